// screenpop simulate: placeholder until its owner lands it.
export async function run(_args: string[]): Promise<void> {
  throw new Error('screenpop simulate is not built yet');
}

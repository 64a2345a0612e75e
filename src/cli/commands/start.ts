// screenpop start: placeholder until its owner lands it.
export async function run(_args: string[]): Promise<void> {
  throw new Error('screenpop start is not built yet');
}

// screenpop simulator: placeholder until its owner lands it.
export async function run(_args: string[]): Promise<void> {
  throw new Error('screenpop simulator is not built yet');
}

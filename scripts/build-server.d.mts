// Types of build-server.mjs for the TypeScript that imports it (the bench builds screenpop before it starts it).
export declare const STAMP: string;
export declare function buildServer(): Promise<{ files: number; ms: number }>;

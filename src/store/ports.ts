// The ports store/ implements beyond lookup/'s: defined by their consumers, imported here as types.
export type { SecretStore } from '../goto/ports.ts';
export type { AgentSettings, AgentStore, SessionStore, WebSession } from '../pops/ports.ts';
export type { AuditStore, NoteRevisionStore } from '../server/ports.ts';

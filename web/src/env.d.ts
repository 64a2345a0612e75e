// Vite's ambient types (CSS imports, import.meta.env) for the browser app.
/// <reference types="vite/client" />

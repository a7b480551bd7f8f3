export function unitOf(rel: string): string | null;
export function runtimeImports(text: string, fileName?: string): string[];
export function folderGraph(root: string, moved?: Map<string, string>): Map<string, Set<string>>;
export function movedToSession(withGate: string[]): Map<string, string>;
export function folderCycles(edges: Map<string, Set<string>>): { units: string[]; edges: string[] }[];

export interface LayerZone {
  from: string[];
  except?: string[];
  allow?: string[];
  forbid?: string[];
  typesFrom?: string[];
  exempt?: string[];
  why: string;
}
export const WITH_GATE: string[];
export const PENDING_WITH_GATE: string[];
export const LAYERS: LayerZone[];

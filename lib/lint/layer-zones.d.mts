export interface LayerZone {
  from: string[];
  except?: string[];
  allow?: string[];
  forbid?: string[];
  typesFrom?: string[];
  why: string;
}
export const LAYERS: LayerZone[];

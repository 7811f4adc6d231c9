/**
 * What a pipeline may read of a catalogue item: the content fields of the
 * store's item record (which has these and more), so that pipelines below the
 * storage module can take catalogue snapshots.
 */
export interface CatalogueRecord {
  id: string;
  author?: string;
  caption?: string;
  hashtags: string[];
  durationMs?: number;
  /** Unix ms. */
  uploadTime?: number;
  categories: string[];
  tags: string[];
  hidden: boolean;
}

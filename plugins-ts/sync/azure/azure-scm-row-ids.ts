/** The SCM virtual-table GUIDs seen in data events, in an Azure Storage table (PartitionKey = the entity collection, RowKey = the GUID). */
import type { TableClient } from "@azure/data-tables";
import type { ScmRowIdStore } from "../state-store";
import { encodeKey, getEntity } from "./tables";

export class AzureScmRowIds implements ScmRowIdStore {
  constructor(private readonly table: TableClient) {}

  async remember(collection: string, id: string, key: Readonly<Record<string, string>>): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: encodeKey(collection), rowKey: encodeKey(id.toLowerCase()), key: JSON.stringify(key) },
      "Replace",
    );
  }

  async keyOf(collection: string, id: string): Promise<Record<string, string> | undefined> {
    const entity = await getEntity(this.table, encodeKey(collection), encodeKey(id.toLowerCase()));
    return entity === undefined ? undefined : (JSON.parse(String(entity.key)) as Record<string, string>);
  }
}

/**
 * Takes better-sqlite3's place in the Azure Functions package (`build-package.ts`): the package
 * carries no native module, and a SQLite file on one instance's disk is not shared with the Function
 * App's other instances. Opening a SQLite state store there is a configuration error, named here.
 */
export const SQLITE_NOT_IN_PACKAGE =
  "The Azure Functions package has no SQLite state store: its instances share no disk. Set FSI_STATE_STORE=azure with FSI_STORAGE_TABLE_URL and FSI_STORAGE_BLOB_URL (or FSI_STORAGE_CONNECTION_STRING); docs/deploy.md.";

/** Stands where better-sqlite3's `Database` constructor is called (`new Database(path)`). */
export default function sqliteNotInPackage(): never {
  throw new Error(SQLITE_NOT_IN_PACKAGE);
}

/**
 * Natural keys ↔ Dataverse rows for the inventory flows, cached: warehouses (identifier within a
 * company), products (product number), units (name) and companies (code). A warehouse's
 * identifier, a product's number and a company's code cannot change once saved, so a found row
 * is cached for the engine's lifetime; a miss is not cached (the row may arrive in a moment).
 * A batch run preloads whole tables with a few paged queries instead of one read per row.
 */
import type { EntityReference } from "@fsi/core/dataverse/schema";
import { cdmCompany, product, unitOfMeasure, warehouse } from "@fsi/core/dataverse/tables";
import type {
  DataverseLookupAnswers,
  DataverseLookupQuery,
  ScmLookupAnswers,
  ScmLookupQuery,
} from "@fsi/core/maps/lookups";
import { CompanyDirectory } from "../../integration/company-directory";
import { resolveDataverseLookups, resolveScmLookups } from "../../integration/lookup-resolver";
import { type DataverseClient, odataString } from "../../services/dataverse-client";

export interface UnitInfo {
  readonly id: string;
  readonly name: string;
  /** How many base units one of this unit holds (1 for a base unit). */
  readonly quantity: number;
  /** The unit group's base unit (itself for a base unit). */
  readonly baseId: string;
}

export interface WarehouseInfo {
  readonly reference: EntityReference;
  readonly identifier: string;
  readonly companyCode: string | undefined;
}

export interface ProductInfo {
  readonly reference: EntityReference;
  readonly number: string;
  readonly defaultUnitId: string | undefined;
}

const lower = (text: string): string => text.toLowerCase();

export class References {
  readonly companies = new CompanyDirectory();
  private readonly warehousesByKey = new Map<string, WarehouseInfo>();
  private readonly warehousesById = new Map<string, WarehouseInfo>();
  private readonly productsByNumber = new Map<string, ProductInfo>();
  private readonly productsById = new Map<string, ProductInfo>();
  private readonly unitsByName = new Map<string, UnitInfo>();
  private readonly unitsById = new Map<string, UnitInfo>();

  constructor(private readonly dataverse: DataverseClient) {}

  async companyCode(companyId: string): Promise<string | undefined> {
    return this.companies.codeOf(this.dataverse, companyId);
  }

  async companyId(code: string): Promise<string | undefined> {
    return this.companies.idOf(this.dataverse, code);
  }

  async warehouseByKey(companyCode: string, identifier: string): Promise<WarehouseInfo | undefined> {
    const cached = this.warehousesByKey.get(`${lower(companyCode)}|${lower(identifier)}`);
    if (cached !== undefined) return cached;
    const companyId = await this.companyId(companyCode);
    if (companyId === undefined) return undefined;
    const filter = `msdyn_warehouseidentifier eq ${odataString(identifier)} and _msdyn_company_value eq ${companyId}`;
    const [found] = await this.dataverse.all(warehouse, ["msdyn_warehouseidentifier", "msdyn_company", "msdyn_name"], {
      filter,
      pageSize: 1,
    });
    return found === undefined ? undefined : this.rememberWarehouse(found.id, found.record);
  }

  async warehouseById(id: string): Promise<WarehouseInfo | undefined> {
    const cached = this.warehousesById.get(lower(id));
    if (cached !== undefined) return cached;
    const record = await this.dataverse.retrieve(warehouse, id, [
      "msdyn_warehouseidentifier",
      "msdyn_company",
      "msdyn_name",
    ]);
    return record === undefined ? undefined : this.rememberWarehouse(id, record);
  }

  async productByNumber(number: string): Promise<ProductInfo | undefined> {
    const cached = this.productsByNumber.get(lower(number));
    if (cached !== undefined) return cached;
    const found = await this.dataverse.findByKey(product, { productnumber: number }, [
      "productnumber",
      "name",
      "defaultuomid",
    ]);
    return found === undefined ? undefined : this.rememberProduct(found.id, found.record);
  }

  async productById(id: string): Promise<ProductInfo | undefined> {
    const cached = this.productsById.get(lower(id));
    if (cached !== undefined) return cached;
    const record = await this.dataverse.retrieve(product, id, ["productnumber", "name", "defaultuomid"]);
    return record === undefined ? undefined : this.rememberProduct(id, record);
  }

  async unitByName(name: string): Promise<UnitInfo | undefined> {
    const cached = this.unitsByName.get(lower(name));
    if (cached !== undefined) return cached;
    const found = await this.dataverse.findByKey(unitOfMeasure, { name }, ["name", "quantity", "baseuom"]);
    return found === undefined ? undefined : this.rememberUnit(found.id, found.record);
  }

  async unitById(id: string): Promise<UnitInfo | undefined> {
    const cached = this.unitsById.get(lower(id));
    if (cached !== undefined) return cached;
    const record = await this.dataverse.retrieve(unitOfMeasure, id, ["name", "quantity", "baseuom"]);
    return record === undefined ? undefined : this.rememberUnit(id, record);
  }

  /** Loads every warehouse, product, unit and company (a batch run over many rows). */
  async preload(): Promise<void> {
    for (const row of await this.dataverse.all(cdmCompany, ["cdm_companycode"])) {
      const code = row.record.cdm_companycode;
      if (typeof code === "string") await this.companies.idOf(this.dataverse, code);
    }
    for await (const page of this.dataverse.pages(warehouse, [
      "msdyn_warehouseidentifier",
      "msdyn_company",
      "msdyn_name",
    ])) {
      for (const row of page) await this.rememberWarehouse(row.id, row.record);
    }
    for await (const page of this.dataverse.pages(product, ["productnumber", "name", "defaultuomid"])) {
      for (const row of page) this.rememberProduct(row.id, row.record);
    }
    for (const row of await this.dataverse.all(unitOfMeasure, ["name", "quantity", "baseuom"]))
      this.rememberUnit(row.id, row.record);
  }

  /** Answers SCM → FS lookup queries of a template (units by name from the cache, others read). */
  async answerDataverse(
    queries: readonly DataverseLookupQuery[],
  ): Promise<{ answers: DataverseLookupAnswers; missing: DataverseLookupQuery[] }> {
    const answers: Record<string, EntityReference> = {};
    const rest: DataverseLookupQuery[] = [];
    for (const query of queries) {
      const keys = Object.entries(query.reference.keys);
      const [column, value] = keys[0] ?? [];
      let found: EntityReference | undefined;
      if (keys.length === 1 && value !== undefined) {
        if (query.reference.logicalName === "uom" && column === "name") found = await this.unitReference(value);
        else if (query.reference.logicalName === "product" && column === "productnumber")
          found = (await this.productByNumber(value))?.reference;
        else if (
          query.reference.logicalName === "msdyn_warehouse" &&
          column === "msdyn_warehouseidentifier" &&
          query.reference.companyCode !== undefined
        ) {
          found = (await this.warehouseByKey(query.reference.companyCode, value))?.reference;
        }
      }
      if (found !== undefined) answers[query.column] = found;
      else rest.push(query);
    }
    const resolved = await resolveDataverseLookups(this.dataverse, this.companies, rest);
    return { answers: { ...answers, ...resolved.answers }, missing: [...resolved.missing] };
  }

  /** Answers FS → SCM lookup queries of a template: the natural key of each referenced row. */
  async answerScm(
    queries: readonly ScmLookupQuery[],
  ): Promise<{ answers: ScmLookupAnswers; missing: ScmLookupQuery[] }> {
    const answers: Record<string, string> = {};
    const rest: ScmLookupQuery[] = [];
    for (const query of queries) {
      if (query.reference.logicalName === "msdyn_warehouse" && query.keyColumn === "msdyn_warehouseidentifier") {
        const found = await this.warehouseById(query.reference.id);
        if (found !== undefined) {
          answers[query.column] = found.identifier;
          continue;
        }
      }
      rest.push(query);
    }
    const resolved = await resolveScmLookups(this.dataverse, rest);
    return { answers: { ...answers, ...resolved.answers }, missing: [...resolved.missing] };
  }

  private async unitReference(name: string): Promise<EntityReference | undefined> {
    const unit = await this.unitByName(name);
    return unit === undefined ? undefined : { id: unit.id, logicalName: "uom", name: unit.name };
  }

  private async rememberWarehouse(
    id: string,
    record: Readonly<Record<string, unknown>>,
  ): Promise<WarehouseInfo | undefined> {
    const identifier = record.msdyn_warehouseidentifier;
    if (typeof identifier !== "string") return undefined;
    const company = record.msdyn_company as { id?: unknown } | null | undefined;
    const companyCode = typeof company?.id === "string" ? await this.companyCode(company.id) : undefined;
    const name = record.msdyn_name;
    const info: WarehouseInfo = {
      reference: { id: lower(id), logicalName: "msdyn_warehouse", ...(typeof name === "string" ? { name } : {}) },
      identifier,
      companyCode,
    };
    this.warehousesById.set(lower(id), info);
    if (companyCode !== undefined) this.warehousesByKey.set(`${companyCode}|${lower(identifier)}`, info);
    return info;
  }

  private rememberProduct(id: string, record: Readonly<Record<string, unknown>>): ProductInfo | undefined {
    const number = record.productnumber;
    if (typeof number !== "string") return undefined;
    const name = record.name;
    const defaultUnit = record.defaultuomid as { id?: unknown } | null | undefined;
    const info: ProductInfo = {
      reference: { id: lower(id), logicalName: "product", ...(typeof name === "string" ? { name } : {}) },
      number,
      defaultUnitId: typeof defaultUnit?.id === "string" ? lower(defaultUnit.id) : undefined,
    };
    this.productsById.set(lower(id), info);
    this.productsByNumber.set(lower(number), info);
    return info;
  }

  private rememberUnit(id: string, record: Readonly<Record<string, unknown>>): UnitInfo | undefined {
    const name = record.name;
    if (typeof name !== "string") return undefined;
    const quantity = typeof record.quantity === "number" && record.quantity > 0 ? record.quantity : 1;
    const base = record.baseuom as { id?: unknown } | null | undefined;
    const info: UnitInfo = {
      id: lower(id),
      name,
      quantity,
      baseId: typeof base?.id === "string" ? lower(base.id) : lower(id),
    };
    this.unitsById.set(lower(id), info);
    this.unitsByName.set(lower(name), info);
    return info;
  }
}

/// <reference types="xrm" />
/**
 * `Xrm.Collection.ItemCollection`: the form's attributes, controls, tabs and sections, read live
 * (a control added to the form shows up in every collection that holds it).
 */
interface Named {
  getName(): string;
}

export class HostItemCollection<T extends Named> {
  constructor(private readonly items: () => readonly T[]) {}

  forEach(delegate: Xrm.Collection.IterativeDelegate<T>): void {
    this.items().forEach((item, index) => {
      delegate(item, index);
    });
  }

  get(delegate?: Xrm.Collection.MatchingDelegate<T>): T[];
  get(itemNameOrNumber: string | number): T | null;
  get(selector?: string | number | Xrm.Collection.MatchingDelegate<T>): T | T[] | null {
    const items = this.items();
    if (selector === undefined) return [...items];
    if (typeof selector === "number") return items[selector] ?? null;
    if (typeof selector === "string") return items.find((item) => item.getName() === selector) ?? null;
    return items.filter((item, index) => selector(item, index));
  }

  getLength(): number {
    return this.items().length;
  }
}

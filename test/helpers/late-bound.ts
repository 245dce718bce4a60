/**
 * An object that stands for one made later: every property read, write and lookup goes to the
 * target once bound; any use before (or after) fails with a message naming it.
 */
export function lateBound<T extends object>(what: string) {
  let target: T | undefined;
  const current = (): T => {
    if (!target) throw new Error(`${what} exists only while the file's tests run (made in beforeAll, gone after afterAll)`);
    return target;
  };
  const value = new Proxy({} as T, {
    get: (_, key) => Reflect.get(current(), key),
    set: (_, key, v) => Reflect.set(current(), key, v),
    has: (_, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(current(), key);
      // The proxy's own target is an empty object: what it reports must be configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  return {
    value,
    get target(): T | undefined {
      return target;
    },
    bind(made: T | undefined): void {
      target = made;
    },
  };
}

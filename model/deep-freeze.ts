/** Freezes an object graph of plain objects and arrays, so views cannot change the model. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for…in, not Object.values: no array per object (the 10x city has ~60,000 of them)
    for (const key in value) {
      const child = value[key];
      if (child !== null && typeof child === 'object') deepFreeze(child);
    }
  }
  return value;
}

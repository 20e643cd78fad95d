const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs and payloads: anything that is not a UUID names nothing. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The one part of spdy-transport (no published types) that podflow uses: SPDY's header-compression dictionary. */
declare module 'spdy-transport' {
  export const protocol: { spdy: { dictionary: Record<number, Buffer> } };
}

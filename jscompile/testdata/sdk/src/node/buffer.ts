export const Buffer = { from: (s: string) => s };
export default { Buffer };

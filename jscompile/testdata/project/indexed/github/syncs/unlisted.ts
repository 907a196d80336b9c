// Not imported by index.ts, so never compiled: it does not even parse.
export default createSync({ ( });

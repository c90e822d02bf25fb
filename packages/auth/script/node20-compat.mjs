// Better Auth's CLI pulls in a parser that calls Object.groupBy (Node 21+).
// Node 20 is still supported here, so the CLI process alone gets this shim.
if (typeof Object.groupBy !== "function") {
  Object.groupBy = (items, keyOf) => {
    const groups = Object.create(null);
    let index = 0;
    for (const item of items) {
      const key = keyOf(item, index++);
      if (groups[key] === undefined) groups[key] = [];
      groups[key].push(item);
    }
    return groups;
  };
}

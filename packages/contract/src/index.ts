export * from "./client";
export * from "./common";
export * from "./dates";
export * from "./health";
export * from "./history";
export * from "./named";
export * from "./stats";
export * from "./tasks";

import { type TObject, type TString, Type } from "typebox";
import { errorResponses } from "./openapi-responses";

/** Which route family a plugin instance serves: /api/... or /api/{user_id}/... */
export interface RouteFamilyOptions {
  userScoped: boolean;
}

const UserIdParam = Type.String({ description: "must equal the token's sub" });

/**
 * Schema pieces that differ between the two families. Both are typed alike for
 * handlers (the path user is checked in the auth hook, so handlers never read it),
 * but the OpenAPI document gets the real path parameters and the 403.
 */
export function routeFamily({ userScoped }: RouteFamilyOptions) {
  const params = <P extends Record<string, TString>>(properties: P) =>
    (userScoped
      ? Type.Object({ user_id: UserIdParam, ...properties })
      : Type.Object(properties)) as TObject<P>;
  return {
    params,
    errors: (...statuses: number[]) => errorResponses(...statuses, ...(userScoped ? [403] : [])),
    operationId: (name: string) => (userScoped ? `${name}ForUser` : name),
  };
}

"use client";

import { createTasklaneClient, type TasklaneClient } from "@tasklane/contract";
import { createContext, type ReactNode, useContext, useState } from "react";
import { createAuthorizedFetch } from "@/lib/api-session";
import { apiTokens, redirectToSignIn } from "@/lib/browser-session";

const ApiContext = createContext<TasklaneClient | null>(null);

/**
 * Gives the pages a typed API client that sends the in-memory token. The API's URL comes from
 * the server at request time (not baked in by the build), so one build runs anywhere.
 */
export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [client] = useState(() =>
    createTasklaneClient({
      baseUrl: apiUrl,
      getToken: () => apiTokens.getToken(),
      fetch: createAuthorizedFetch({ tokens: apiTokens, onSignedOut: redirectToSignIn }),
    }),
  );
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): TasklaneClient {
  const client = useContext(ApiContext);
  if (client === null) throw new Error("useApi must be used inside <ApiProvider>");
  return client;
}

// The team members (for assignment, note authors and @mentions) and the labels: small lists every screen
// shares through the query cache.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type User } from "../api/client";

export function useTeam() {
  return useQuery({ queryKey: ["users"], queryFn: () => unwrap(api.GET("/api/users")), staleTime: 2_000 });
}

/** How a team member is shown: their name, else their email. */
export function memberName(u: Pick<User, "fullName" | "email">): string {
  return u.fullName || u.email;
}

/** A function naming a user id (the id's start when the member is unknown, e.g. removed). */
export function useMemberName(): (userId: string | null | undefined) => string {
  const team = useTeam();
  return (id) => {
    if (!id) return "";
    const u = team.data?.data.find((x) => x.userId === id);
    return u ? memberName(u) : "a former member";
  };
}

export function useLabels() {
  return useQuery({ queryKey: ["labels"], queryFn: () => unwrap(api.GET("/api/labels")), staleTime: 2_000 });
}

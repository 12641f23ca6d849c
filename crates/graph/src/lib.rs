//! The permission graph (petgraph): principals, policies, statements, actions, resources, used and assume-role edges, and its queries (used, unused, missing, unobservable, escalation paths).

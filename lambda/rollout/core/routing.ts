/**
 * The two routing states of a release and how they look as gateway rule actions. A weighted route
 * always carries both entries (live and canary) with weights 1–99 that sum to 100, written in one
 * call: there is no way to express half a split, and "all traffic on live" is a static route.
 */
import type { Action } from '@aws-sdk/client-bedrock-agentcore-control';

export interface ReleaseTargets {
  /** Gateway target name of the `live` runtime endpoint. */
  readonly liveTarget: string;
  /** Gateway target name of the `canary` runtime endpoint. */
  readonly canaryTarget: string;
}

/** Where traffic goes, as read back from a rule. */
export type Route =
  | { readonly kind: 'static'; readonly target: string }
  | { readonly kind: 'weighted'; readonly liveTarget: string; readonly canaryTarget: string; readonly canaryPercent: number }
  | { readonly kind: 'unknown'; readonly detail: string };

/** Names of the split entries; stable so that dashboards and A/B results can refer to them. */
export const LIVE_ENTRY = 'live';
export const CANARY_ENTRY = 'canary';

/** All traffic on live. */
export function staticLiveActions(t: ReleaseTargets): Action[] {
  return [{ routeToTarget: { staticRoute: { targetName: t.liveTarget } } }];
}

/** `canaryPercent` of new sessions on the canary, the rest on live. Throws outside 1–99. */
export function weightedActions(t: ReleaseTargets, canaryPercent: number): Action[] {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 1 || canaryPercent > 99) {
    throw new RangeError(`canaryPercent: expected an integer 1–99 (a weighted route has no 100/0; use the static route), got ${canaryPercent}`);
  }
  return [
    {
      routeToTarget: {
        weightedRoute: {
          trafficSplit: [
            { name: LIVE_ENTRY, targetName: t.liveTarget, weight: 100 - canaryPercent, description: 'current version' },
            { name: CANARY_ENTRY, targetName: t.canaryTarget, weight: canaryPercent, description: 'release candidate' },
          ],
        },
      },
    },
  ];
}

/** Read the target route out of a rule's actions (configuration-bundle actions are ignored). */
export function describeRoute(actions: readonly Action[] | undefined, t: ReleaseTargets): Route {
  const routes = (actions ?? []).map((a) => a.routeToTarget).filter((r) => r !== undefined);
  if (routes.length !== 1) return { kind: 'unknown', detail: `expected one routeToTarget action, found ${routes.length}` };
  const r = routes[0];
  if (r.staticRoute) return { kind: 'static', target: r.staticRoute.targetName ?? '' };
  if (r.weightedRoute) {
    const split = r.weightedRoute.trafficSplit ?? [];
    const canary = split.find((e) => e.targetName === t.canaryTarget);
    const live = split.find((e) => e.targetName === t.liveTarget);
    if (split.length !== 2 || !canary || !live) return { kind: 'unknown', detail: `weighted route over ${split.map((e) => e.targetName).join(', ')}` };
    return { kind: 'weighted', liveTarget: t.liveTarget, canaryTarget: t.canaryTarget, canaryPercent: canary.weight ?? 0 };
  }
  return { kind: 'unknown', detail: 'routeToTarget without staticRoute or weightedRoute' };
}

/** True when every request goes to the live target. */
export function isStaticLive(route: Route, t: ReleaseTargets): boolean {
  return route.kind === 'static' && route.target === t.liveTarget;
}

/** Human-readable route, e.g. `live 90% / canary 10%` or `static → live-target`. */
export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'static':
      return `static → ${route.target} (100%)`;
    case 'weighted':
      return `${route.liveTarget} ${100 - route.canaryPercent}% / ${route.canaryTarget} ${route.canaryPercent}%`;
    case 'unknown':
      return `unrecognised (${route.detail})`;
  }
}

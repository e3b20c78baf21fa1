/**
 * The versions the OpenWhisk side is pinned to, in one place (docs/openwhisk.md "Pinned
 * versions"). The chart comes from a git checkout of apache/openwhisk-deploy-kube at
 * DEPLOY_KUBE_COMMIT, whose values.yaml tags every core image `ef725a6` and records
 * `whisk.versions.openwhisk.gitTag` = OPENWHISK_COMMIT; the MRU invoker is built from the same
 * OpenWhisk commit and layered onto the upstream invoker image of that commit, so controller
 * and invoker match. mru/build-invoker.sh repeats OPENWHISK_COMMIT as its default (a test
 * keeps the two equal).
 */

/** apache/openwhisk commit of the chart's core images (2022-10-14, "Prevent cycle in the QueueManager"). */
export const OPENWHISK_COMMIT = 'ef725a653ab112391f79c274d8e3dcfb915d59a3';
export const OPENWHISK_SHORT = OPENWHISK_COMMIT.slice(0, 7);

/** apache/openwhisk-deploy-kube master of 2024-07-31: core images `ef725a6`, chart 1.0.1 (docs/ci.md "Pins"). */
export const DEPLOY_KUBE_REPO = 'https://github.com/apache/openwhisk-deploy-kube.git';
export const DEPLOY_KUBE_COMMIT = '108f327580f04c51dc4b29ac0beff024cfd6f2f9';
export const DEPLOY_KUBE_CHART_PATH = 'helm/openwhisk';

/** The upstream invoker image of OPENWHISK_COMMIT (the base the MRU jar is layered onto). */
export const UPSTREAM_INVOKER_IMAGE = `openwhisk/invoker:${OPENWHISK_SHORT}`;
/** What mru/build-invoker.sh tags by default. */
export const MRU_INVOKER_IMAGE = `faasmark/invoker:mru-${OPENWHISK_SHORT}`;

/**
 * Tag every A/B test carries with the release that started it: the release roles may stop only their
 * own release's tests. Its own module, free of SDK imports, because the constructs read it at synth.
 */
export const AB_TEST_RELEASE_TAG = 'agentcore-kit:release';

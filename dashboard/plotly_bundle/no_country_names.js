// Stands in for `country-iso-search` (67 KB of country-name patterns, ~15 KB of every first visit, built into a
// lookup table at load): plotly uses it only for `locationmode="country names"` of the geo traces, which the
// dashboard does not draw (its maps are choroplethmap/scattermap over its own GeoJSON, matched by feature id).
'use strict';

module.exports = {
    COUNTRIES: [],
    createLookup: function () {
        return {
            lookupAlpha3: function () {
                return undefined;
            },
        };
    },
};

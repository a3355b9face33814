"""The programme's own sources, which no public dataset provides: prefecture indicators, subsidy
records and local-plan status, each read by the template spec that also writes the template
users download (:mod:`.templates`)."""

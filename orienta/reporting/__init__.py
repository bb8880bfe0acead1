"""Results: the programme's indicators computed from the records, the logframe, dashboards and
donor exports. The domain apps declare their indicators (`<app>/indicators.py`); this app knows
none of them by name."""

"""A facet over JSON list columns (authors, reviewers, categories, tags) that stays fast.

Datasette 0.65's array facet deduplicates with `select distinct j.value, inner.*`: every
column of every row, post bodies included, goes through DISTINCT (4 s on 100,000
articles). This one drops repeats inside a row's own list instead, so SQLite reads just the
one column, from its index (migration m009): about 0.2 s. Clicking a value filters with
Datasette's own `column__arraycontains`, as the array facet does.
"""

from __future__ import annotations

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

_SQL = """
with inner as ({sql})
select j.value as value, count(*) as count
from inner join json_each(inner.{col}) j
where j.key = (select min(k.key) from json_each(inner.{col}) k where k.value = j.value)
group by j.value order by count desc, value limit {limit}
"""


class ListFacet(Facet):
    type = "list"

    async def suggest(self):
        return []  # configured in metadata.yml or asked for with ?_facet_list=

    async def facet_results(self):
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            try:
                rows = await self.ds.execute(
                    self.database, _SQL.format(sql=self.sql, col=escape_sqlite(column), limit=size + 1),
                    self.params, truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                arg = {f"{column}__arraycontains": value}
                selected = (f"{column}__arraycontains", value) in pairs
                path = (path_with_removed_args if selected else path_with_added_args)(self.request, arg)
                values.append({"value": value, "label": value, "count": row["count"], "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, path)})
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_list": column})),
                "truncated": len(rows) > size,
            })
        return results, timed_out

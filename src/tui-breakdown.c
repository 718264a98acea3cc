/* tui-breakdown.c: the b overlay of the tree views, the search's matches
 * summed by crate, CGU or pass (st_tree_match_breakdown), both sides in a
 * diff. */
#include <stdio.h>
#include <stdlib.h>
#include "stalactite/fmt.h"
#include "tui.h"

/* b: the matches summed by crate, CGU or pass, over whole lines under the
 * breadcrumbs; in a diff each row's total before and after with its
 * change (BASE's figures of the same nodes summed alike). */
void tui_draw_breakdown(app *a, canvas *c)
{
	tview *v = tui_cur_tview(a);
	if (!v || !a->re || !v->match.flags)
		return;
	static const char *const what[] = { "crate", "CGU", "pass" };
	int key = a->breakdown - 1;
	uint32_t n;
	const st_diff_node *base = a->diff ? tui_diff_base(a, v->tree, 0) : NULL;
	st_breakdown_row *rows = st_tree_match_breakdown_base(&v->match, a->m, v->tree,
	                                                      (st_breakdown_key)key, base, &n);
	/* whole lines under the breadcrumbs, ended by a rule: no half row of
	 * the view shows beside or through it */
	int x0 = 0, y0 = 3, w = c->w, h = (int)n + 3;
	if (h > c->h - 1 - y0) h = c->h - 1 - y0;
	for (int y = y0; y < y0 + h; y++) {
		cv_fill(c, y, 0, c->w, L' ', S_NORMAL);
		cv_set_hit(c, y, 0, c->w, ST_NIL);
	}
	cv_fill(c, y0 + h - 1, 0, c->w, a->ascii ? L'-' : L'\x2500', S_DIM);
	char title[128];
	snprintf(title, sizeof title, " matches by %s (b: next, x: clear) ", what[key]);
	cv_fill(c, y0, x0, x0 + w, L' ', S_STATUS);
	cv_text(c, y0, x0 + 1, x0 + w, title, S_STATUS);
	bool with_base = c->w >= 64;
	for (uint32_t i = 0; i < n && (int)i < h - 3; i++) {
		char t[32], s[32], line[160];
		int y = y0 + 2 + (int)i, x;
		if (a->diff) {
			size_t span;
			style ds = tui_diff_cols(line, sizeof line, (int64_t)rows[i].base_total_ns,
			                         (int64_t)rows[i].total_ns, false, with_base, a->ascii,
			                         &span);
			x = cv_text(c, y, x0, x0 + w, line, S_NORMAL);
			line[span] = '\0';
			cv_restyle(c, y, x0 + cv_width(c, line), x, ds);
			snprintf(line, sizeof line, " %7u  ", rows[i].count);
			x = cv_text(c, y, x, x0 + w, line, S_NORMAL);
		} else {
			st_fmt_ns_col(t, sizeof t, (int64_t)rows[i].total_ns, a->ascii, 9);
			st_fmt_ns_col(s, sizeof s, rows[i].self_ns, a->ascii, 9);
			snprintf(line, sizeof line, "%s %s %7u  ", t, s, rows[i].count);
			x = cv_text(c, y, x0 + 1, x0 + w, line, S_NORMAL);
		}
		const char *name = rows[i].name == ST_NOSTR ? "(none)"
		                   : st_str(a->m->strs, rows[i].name);
		tui_draw_name(a, c, y, x, x0 + w - 1, name, 0, 0, 0, S_NORMAL);
	}
	const char *head = !a->diff ? "    total      self   count  name"
	                   : with_base ? "       base        new      delta        %   count  name  (total)"
	                   : "        new      delta        %   count  name  (total)";
	cv_text(c, y0 + 1, x0 + (a->diff ? 0 : 1), x0 + w, head, S_HEADER);
	free(rows);
}

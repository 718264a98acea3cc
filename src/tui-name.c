/* tui-name.c: how a name is fitted into the columns a view has for it.
 * Generic arguments are elided as the elision level says (v cycles it:
 * only as far as a name does not fit, innermost first; always the
 * innermost; always all), then what is still too wide is cut in the
 * middle, so the method at the end survives.  During a search the part
 * that matched is never elided or cut away.  The selected name can be
 * scrolled sideways (< and >; Left and Right where they do not move),
 * which shows it whole, unelided. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

static const char *const level_names[ELIDE_LEVELS] = {
	[ELIDE_FIT] = "generics elided only where a name does not fit",
	[ELIDE_INNER] = "innermost generics elided",
	[ELIDE_ALL] = "all generics elided",
};

redraw tui_name_cycle_elision(app *a)
{
	a->elide = (a->elide + 1) % ELIDE_LEVELS;
	snprintf(a->message, sizeof a->message, "names: %s (v: next)", level_names[a->elide]);
	return R_VIEW;
}

redraw tui_name_scroll(app *a, int dir)
{
	int to = a->hscroll + dir * (a->hscroll_step > 0 ? a->hscroll_step : 8);
	if (to > a->hscroll_max)
		to = a->hscroll_max;
	if (to < 0)
		to = 0;
	if (to == a->hscroll)
		return R_KEPT;
	a->hscroll = to;
	return R_VIEW;
}

/* The name elided at height h (INT_MAX: every list), the kept span moved
 * with it; returns its display width. */
static int elided(const app *a, const canvas *c, const char *name, size_t len, int h,
                  char *out, size_t cap, size_t *k0, size_t *k1)
{
	st_name_elide_depth(name, len, out, cap, a->ascii, h, k0, k1);
	return cv_width(c, out);
}

int tui_draw_name(app *a, canvas *c, int y, int x, int xmax, const char *name,
                  size_t k0, size_t k1, uint64_t scroll_key, style st)
{
	if (xmax > c->w)
		xmax = c->w;
	if (x >= xmax)
		return x;
	int avail = xmax - x, width = cv_width(c, name);
	if (scroll_key) {
		/* a new selection starts unscrolled */
		if (a->hscroll_key != scroll_key) {
			a->hscroll_key = scroll_key;
			a->hscroll = 0;
		}
		a->hscroll_max = width > avail ? width - (avail - 1) : 0;
		a->hscroll_step = avail / 2 > 8 ? avail / 2 : 8;
		if (a->hscroll > a->hscroll_max)
			a->hscroll = a->hscroll_max;
		if (a->hscroll > 0)
			return cv_text_from(c, y, x, xmax, name, a->hscroll, st);
	}
	if (width <= avail && a->elide == ELIDE_FIT)
		return cv_text(c, y, x, xmax, name, st);
	size_t len = strlen(name), cap = 2 * len + 16;
	char small[2048], *out = cap <= sizeof small ? small : st_xmalloc(cap);
	size_t o0 = k0, o1 = k1;
	if (a->elide == ELIDE_FIT) {
		/* innermost lists first, and only until the name fits */
		int top = st_name_generics_height(name, len);
		for (int h = 0; h <= top; h++) {
			o0 = k0, o1 = k1;
			if (elided(a, c, name, len, h, out, cap, &o0, &o1) <= avail)
				break;
		}
		if (top < 0)
			snprintf(out, cap, "%s", name);
	} else {
		elided(a, c, name, len, a->elide == ELIDE_INNER ? 0 : INT_MAX, out, cap, &o0, &o1);
	}
	int end = cv_text_mid(c, y, x, xmax, out, o0, o1, st);
	if (out != small)
		free(out);
	return end;
}

bool tui_match_span(app *a, const char *s, size_t *k0, size_t *k1)
{
	size_t len = strlen(s), from = 0, b, e, depth = 0, at = 0;
	bool found = false;
	if (!a->re)
		return false;
	/* a match outside generic arguments costs no elision to show, and
	 * the last such is nearest the method, which a cut keeps anyway */
	while (from <= len && st_regex_find(a->re, s, len, from, &b, &e)) {
		for (; at < b; at++)
			if (s[at] == '<')
				depth++;
			else if (s[at] == '>' && !(at && s[at - 1] == '-') && depth)
				depth--;
		if (e > b && (!found || !depth)) {
			*k0 = b;
			*k1 = e;
			found = true;
		}
		from = e > b ? e : b + 1;
		while (from < len && (s[from] & 0xc0) == 0x80)
			from++;   /* after an empty match: the next character */
	}
	return found;
}

/* Where s occurs in label, or -1 (a diff's box label has a prefix). */
static long find_in(const char *label, const char *s)
{
	const char *p = *s ? strstr(label, s) : NULL;
	return p ? (long)(p - label) : -1;
}

bool tui_label_match(app *a, const st_tree *t, uint32_t id, const char *label,
                     size_t *k0, size_t *k1)
{
	if (!a->re || !id)
		return false;
	const st_model *m = a->m;
	const st_node *n = &t->nodes[id];
	/* the names the search matched, each on its own: anchors mean their
	 * ends, not the label's */
	uint32_t parts[2] = { n->name, n->arg };
	long from = 0;
	for (int i = 0; i < 2; i++) {
		if (parts[i] == ST_NOSTR)
			continue;
		const char *s = st_str(m->strs, st_model_display(m, parts[i]));
		long at = find_in(label + from, s);
		size_t b, e;
		if (at < 0)
			continue;
		at += from;
		if (tui_match_span(a, s, &b, &e)) {
			*k0 = (size_t)at + b;
			*k1 = (size_t)at + e;
			return true;
		}
		from = at + (long)strlen(s);
	}
	return tui_match_span(a, label, k0, k1);
}

int tui_draw_label(app *a, tview *v, canvas *c, int y, int x, int xmax, uint32_t id,
                   const char *label, uint64_t scroll_key, style st)
{
	size_t k0 = 0, k1 = 0;
	if (tui_searching(v) && (v->match.flags[id] & ST_TM_MATCH))
		tui_label_match(a, v->tree, id, label, &k0, &k1);
	return tui_draw_name(a, c, y, x, xmax, label, k0, k1, scroll_key, st);
}

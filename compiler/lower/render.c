/*
 * render.c - shared formatting for the emitters (see render.h).
 */
#include "lower/render.h"

#include <stdio.h>
#include <string.h>

#include "base/template.h"
#include "base/textbuf.h"

/*
 * Days since 1970-01-01 to a civil date, in the proleptic Gregorian
 * calendar; arithmetic only, so no time_t range, time zone or locale
 * enters.  (The algorithm counts 400-year eras from 0000-03-01.)
 */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

const char *render_rfc2822_date(struct arena *arena, int64_t epoch)
{
	static const char *const weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (epoch < 0)
		epoch = 0;
	int64_t days = epoch / 86400, secs = epoch % 86400;
	int64_t year;
	unsigned month, day;
	civil_from_days(days, &year, &month, &day);
	return arena_printf(arena, "%s, %02u %s %04lld %02d:%02d:%02d +0000", weekdays[days % 7], day,
			    months[month - 1], (long long)year, (int)(secs / 3600), (int)(secs / 60 % 60),
			    (int)(secs % 60));
}

const char *render_utc_time(struct arena *arena, int64_t epoch)
{
	if (epoch < 0)
		epoch = 0;
	int64_t days = epoch / 86400, secs = epoch % 86400;
	int64_t year;
	unsigned month, day;
	civil_from_days(days, &year, &month, &day);
	if (secs % 60)
		return arena_printf(arena, "%04lld-%02u-%02u %02d:%02d:%02d UTC", (long long)year, month, day,
				    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return arena_printf(arena, "%04lld-%02u-%02u %02d:%02d UTC", (long long)year, month, day, (int)(secs / 3600),
			    (int)(secs / 60 % 60));
}

/* The inverse of civil_from_days(): days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	unsigned yoe = (unsigned)(year - era * 400);
	unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* `n` ASCII digits at `s` as a number, or -1. */
static int64_t fixed_digits(const char *s, size_t n)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool render_parse_utc_time(const char *text, int64_t *epoch)
{
	static const unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t len = strlen(text);
	/* YYYY-MM-DDTHH:MMZ or YYYY-MM-DDTHH:MM:SSZ */
	if ((len != 17 && len != 20) || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
	    text[13] != ':' || (len == 20 && text[16] != ':') || (text[len - 1] != 'Z' && text[len - 1] != 'z'))
		return false;
	int64_t year = fixed_digits(text, 4), month = fixed_digits(text + 5, 2), day = fixed_digits(text + 8, 2);
	int64_t hour = fixed_digits(text + 11, 2), minute = fixed_digits(text + 14, 2);
	int64_t second = len == 20 ? fixed_digits(text + 17, 2) : 0;
	if (year < 1970 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || hour < 0 || hour > 23 ||
	    minute < 0 || minute > 59 || second < 0 || second > 59)
		return false;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (month == 2 && day == 29 && !leap)
		return false;
	*epoch = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 + minute * 60 + second;
	return true;
}

const char *render_duration(struct arena *arena, int64_t seconds)
{
	if (seconds <= 0)
		return "0 s";
	int64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
	char buf[64];
	size_t n = 0;
	if (h)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld h", (long long)h);
	if (m)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld min", n ? " " : "", (long long)m);
	if (s)
		snprintf(buf + n, sizeof buf - n, "%s%lld s", n ? " " : "", (long long)s);
	return arena_strdup(arena, buf);
}

const char *render_fixlet_kind(const struct lw_fixlet *fixlet)
{
	return fixlet->is_task ? "Task" : "Fixlet";
}

const char *render_order_name(enum lw_order order)
{
	switch (order) {
	case LW_ORDER_PASSIVE_FIRST: return "passive-first";
	case LW_ORDER_ACTIVE_FIRST: return "active-first";
	case LW_ORDER_EXPLICIT: return "explicit";
	}
	return "explicit";
}

const char *render_restart_name(enum lw_restart restart)
{
	switch (restart) {
	case LW_RESTART_NEVER: return "never";
	case LW_RESTART_MAY: return "may";
	case LW_RESTART_CLEARS: return "clears";
	}
	return "may";
}

const char *render_quorum_name(enum lw_quorum_model model)
{
	switch (model) {
	case LW_QUORUM_NODE_MAJORITY: return "node-majority";
	case LW_QUORUM_NODE_AND_WITNESS: return "node-and-witness";
	case LW_QUORUM_DISK_ONLY: return "disk-only";
	}
	return "node-majority";
}

const char *render_failure_name(enum lw_failure failure)
{
	switch (failure) {
	case LW_FAILURE_STOP: return "stop-plan";
	case LW_FAILURE_HOLD: return "hold";
	case LW_FAILURE_CONTINUE: return "continue-on-all-targets";
	}
	return "stop-plan";
}

const char *render_pending_restart_name(enum lw_pending_restart setting)
{
	switch (setting) {
	case LW_PENDING_RESTART_PAUSE: return "pause-until-restart-completes";
	case LW_PENDING_RESTART_CONTINUE: return "continue-plan";
	}
	return "pause-until-restart-completes";
}

const char *render_failure_targets_name(enum lw_failure_targets setting)
{
	switch (setting) {
	case LW_FAILURE_TARGETS_ALL: return "all-step-targets";
	}
	return "all-step-targets";
}

const char *render_non_reporting_name(enum lw_non_reporting setting)
{
	switch (setting) {
	case LW_NON_REPORTING_KEEP: return "keep-non-reporting";
	}
	return "keep-non-reporting";
}

const char *render_site_label(const struct lw_site *site)
{
	return site->display.text ? site->display.text : site->name;
}

const char *render_targets(struct arena *arena, const struct lw_phase *phase)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	for (size_t i = 0; i < phase->nodes.len; i++) {
		const struct lw_node *n = phase->nodes.items[i];
		textbuf_printf(&b, "%s%s", i ? ", " : "", n->name);
	}
	return b.data;
}

const char *render_advice(struct arena *arena, const char *text, const struct lw_plan *plan, const char *node)
{
	struct tpl_values values = {
		.node = node,
		.server = plan->role ? plan->role->server.text : NULL,
		.cluster = plan->cluster,
	};
	return tpl_fill(arena, text, &values);
}

unsigned render_mark_number(const struct lw_plan *plan, const struct lw_mark *mark)
{
	for (size_t i = 0; i < plan->unconfirmed.len; i++)
		if (plan->unconfirmed.items[i] == mark)
			return (unsigned)i + 1;
	return 0;
}

int render_advice_varies(const char *text)
{
	return text && (tpl_uses(text) & TPL_NODE) != 0;
}

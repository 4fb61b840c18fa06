// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small JSON writer for vhcactl's --json output: two-space indentation,
 * strings escaped per RFC 8259, nesting up to 15 levels.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "vhcactl.h"

#define VC_JSON_MAX_DEPTH	15

void vc_json_init(struct vc_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void vc_json_escape(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator, newline, indentation and "key": for the next value. */
static void vc_json_key(struct vc_json *j, const char *key)
{
	int i;

	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			fputc(',', j->f);
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	j->need_comma[j->depth] = true;
	if (key) {
		vc_json_escape(j->f, key);
		fputs(": ", j->f);
	}
}

void vc_json_open(struct vc_json *j, const char *key, char brace)
{
	vc_json_key(j, key);
	fputc(brace, j->f);
	if (j->depth < VC_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void vc_json_close(struct vc_json *j, char brace)
{
	bool empty = !j->need_comma[j->depth];
	int i;

	if (j->depth > 0)
		j->depth--;
	if (!empty) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(brace, j->f);
}

void vc_json_str(struct vc_json *j, const char *key, const char *val)
{
	vc_json_key(j, key);
	if (val)
		vc_json_escape(j->f, val);
	else
		fputs("null", j->f);
}

void vc_json_u64(struct vc_json *j, const char *key, uint64_t val)
{
	vc_json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void vc_json_bool(struct vc_json *j, const char *key, bool val)
{
	vc_json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void vc_json_null(struct vc_json *j, const char *key)
{
	vc_json_key(j, key);
	fputs("null", j->f);
}

void vc_json_num_or_str(struct vc_json *j, const char *key, const char *val)
{
	const char *p;

	if (!val) {
		vc_json_null(j, key);
		return;
	}
	for (p = val; *p && isdigit((unsigned char)*p); p++)
		;
	/* Plain decimal without a leading zero (JSON has no octal). */
	if (*val && !*p && (val[0] != '0' || !val[1]) && p - val < 20) {
		vc_json_key(j, key);
		fputs(val, j->f);
	} else {
		vc_json_str(j, key, val);
	}
}

void vc_json_finish(struct vc_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

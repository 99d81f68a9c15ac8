# explain_gen.awk - turns docs/diagnostics.md into the C table behind
# `bfplan explain`.  Each section headed "## BFPnnn: name" becomes one entry
# holding the section's text up to the next "## " heading, and its
# description: the paragraph that starts "**Rule.**" (without that
# marker), or else the section's first paragraph, on one line.  SARIF
# output gives the description and the text as each rule's full
# description and help.

# Backslashes and quotes escaped for a C string literal, and question marks
# too so that no "??" makes a trigraph.  By hand, because what "\\\\" means
# in a gsub() replacement differs between awks (mawk, Debian's default,
# leaves a backslash single).
function c_escape(s,    out, k, c) {
	out = ""
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c == "\\" || c == "\"" || c == "?")
			out = out "\\"
		out = out c
	}
	return out
}

# The paragraphs of a section after its heading line, joined into one line
# each; a fenced block is not a paragraph.
function description(n, lines,    k, para, first, rule, fenced) {
	para = ""
	first = ""
	rule = ""
	fenced = 0
	for (k = 2; k <= n + 1; k++) {
		if (k <= n && lines[k] ~ /^ *```/) {
			fenced = !fenced
			continue
		}
		if (k <= n && !fenced && lines[k] != "") {
			para = para == "" ? lines[k] : para " " lines[k]
			continue
		}
		if (para != "") {
			if (first == "")
				first = para
			if (rule == "" && para ~ /^\*\*Rule\.\*\* /)
				rule = substr(para, 10)
		}
		para = ""
	}
	return rule != "" ? rule : first
}

function flush() {
	if (code != "") {
		sub(/\n+$/, "\n", text)
		printf "\t{\"%s\",\n", code
		n = split(text, lines, "\n")
		for (i = 1; i < n; i++) {
			printf "\t \"%s\\n\"\n", c_escape(lines[i])
		}
		printf "\t \"\",\n\t \"%s\"},\n", c_escape(description(n - 1, lines))
	}
	code = ""
	text = ""
}

BEGIN {
	print "/* Generated from docs/diagnostics.md by compiler/diag/explain_gen.awk: do not edit. */"
	print "#include <string.h>"
	print "#include \"diag/explain.h\""
	print "static const struct { const char *code, *text, *description; } sections[] = {"
}

/^## / {
	flush()
	if (match($0, /^## BFP[0-9][0-9][0-9]/)) {
		code = substr($0, 4, 6)
		text = substr($0, 4) "\n"
	}
	next
}

/^# / { flush(); next }

# the markers tests/docs_examples.py reads are for the test, not the reader
/^<!-- (golden|illustration): .* -->$/ { next }

code != "" { text = text $0 "\n" }

END {
	flush()
	print "};"
	print "static int find(const char *code)"
	print "{"
	print "\tfor (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)"
	print "\t\tif (strcmp(sections[i].code, code) == 0)"
	print "\t\t\treturn (int)i;"
	print "\treturn -1;"
	print "}"
	print "const char *explain_text(const char *code)"
	print "{"
	print "\tint i = find(code);"
	print "\treturn i < 0 ? NULL : sections[i].text;"
	print "}"
	print "const char *explain_description(const char *code)"
	print "{"
	print "\tint i = find(code);"
	print "\treturn i < 0 ? NULL : sections[i].description;"
	print "}"
}

# explain_gen.awk - turns docs/diagnostics.md into the C table behind
# `bfplan explain`.  Each section headed "## BFPnnn: name" becomes one entry
# holding the section's text up to the next "## " heading.

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

function flush() {
	if (code != "") {
		sub(/\n+$/, "\n", text)
		printf "\t{\"%s\",\n", code
		n = split(text, lines, "\n")
		for (i = 1; i < n; i++) {
			printf "\t \"%s\\n\"\n", c_escape(lines[i])
		}
		printf "\t},\n"
	}
	code = ""
	text = ""
}

BEGIN {
	print "/* Generated from docs/diagnostics.md by compiler/explain_gen.awk: do not edit. */"
	print "#include <string.h>"
	print "#include \"explain.h\""
	print "static const struct { const char *code; const char *text; } sections[] = {"
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

code != "" { text = text $0 "\n" }

END {
	flush()
	print "};"
	print "const char *explain_text(const char *code)"
	print "{"
	print "\tfor (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)"
	print "\t\tif (strcmp(sections[i].code, code) == 0)"
	print "\t\t\treturn sections[i].text;"
	print "\treturn NULL;"
	print "}"
}

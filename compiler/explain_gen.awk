# explain_gen.awk - turns docs/diagnostics.md into the C table behind
# `bfplan explain`.  Each section headed "## BFPnnn: name" becomes one entry
# holding the section's text up to the next "## " heading.

function flush() {
	if (code != "") {
		sub(/\n+$/, "\n", text)
		printf "\t{\"%s\",\n", code
		n = split(text, lines, "\n")
		for (i = 1; i < n; i++) {
			line = lines[i]
			gsub(/\\/, "\\\\", line)
			gsub(/"/, "\\\"", line)
			printf "\t \"%s\\n\"\n", line
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

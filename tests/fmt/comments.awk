# comments.awk - every comment of a plan file, one per line, without the
# blanks that end it; text inside strings is not a comment.
#
# usage: awk -f tests/fmt/comments.awk FILE
#
# tests/fmt/run.sh compares this list before and after `bfplan fmt`: a
# check of "every comment kept" that does not rely on bfplan's own parser.

{
	sub(/\r$/, "")
	n = length($0)
	in_string = 0
	for (i = 1; i <= n; i++) {
		c = substr($0, i, 1)
		if (in_string) {
			if (c == "\\")
				i++
			else if (c == "\"")
				in_string = 0
		} else if (c == "\"") {
			in_string = 1
		} else if (c == "#") {
			text = substr($0, i)
			sub(/[ \t]+$/, "", text)
			print text
			break
		}
	}
}

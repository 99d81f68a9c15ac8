# mess.awk - a plan file with its spacing messed up, and nothing else.
#
# usage: awk -f tests/fmt/mess.awk FILE > MESSED
#
# What changes, deterministically (from line and column numbers, so every
# run gives the same bytes): indentation (spaces, tabs, or none), the
# blanks between tokens and before comments, blanks before and after
# commas, trailing blanks, the other line end (CRLF or LF) on some lines,
# extra blank lines where one already was, after a '{', before a '}' and at
# both ends of the file.  The first line keeps the original's line end,
# which is the one `bfplan fmt` gives every line.  Strings and comments are
# copied as they are.  `bfplan fmt` must turn the result back into the
# layout of the original.

function blanks(n, seed,    s, i) {
	s = ""
	for (i = 0; i < n; i++)
		s = s ((seed + i) % 4 == 0 ? "\t" : " ")
	return s
}

# The line without its leading blanks, with every run of blanks outside
# strings and comments replaced by 1 to 3 of them, and commas moved about.
function mess_line(line,    out, i, c, n, in_string, pending) {
	out = ""
	in_string = 0
	pending = 0
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (in_string) {
			out = out c
			if (c == "\\") {
				out = out substr(line, i + 1, 1)
				i++
			} else if (c == "\"") {
				in_string = 0
			}
			continue
		}
		if (c == " " || c == "\t") {
			pending = 1
			continue
		}
		if (pending) {
			out = out blanks(c == "#" ? 1 + (i + NR) % 6 : 1 + (i * NR) % 3, i)
			pending = 0
		}
		if (c == "#") {
			out = out substr(line, i)
			break
		}
		if (c == ",") {
			out = out ((i + NR) % 2 ? " ," : ",")
			# sometimes no blank at all after it
			if ((i + NR) % 3 == 0 && substr(line, i + 1, 1) == " ") {
				while (substr(line, i + 1, 1) == " ")
					i++
			}
			continue
		}
		if (c == "\"")
			in_string = 1
		out = out c
	}
	return out
}

# Blank lines before the first line; a byte-order mark stays the first bytes of the file, as
# anywhere else it is a stray character.
NR == 1 {
	eol = /\r$/ ? "\r" : ""
	other = eol == "" ? "\r" : ""
	if (substr($0, 1, 3) == "\357\273\277") {
		printf "%s", "\357\273\277"
		$0 = substr($0, 4)
	}
	print eol
	print eol
}

{
	sub(/\r$/, "")
	line = $0
	sub(/^[ \t]+/, "", line)
	if (line == "") {
		print eol
		print blanks(NR % 3, NR) eol
		next
	}
	if (line ~ /^}/)
		print eol
	body = mess_line(line)
	end = NR % 5 == 0 ? other : eol
	trail = NR % 4 == 0 ? blanks(1 + NR % 3, NR) : ""
	print blanks(NR % 7, NR) body trail end
	if (line ~ /\{[ \t]*(#.*)?$/ && line !~ /\{\}/)
		print eol
}

END { print eol; print eol; print eol }

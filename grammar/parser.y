/*
 * parser.y - the grammar of plan files.
 *
 * CAPITALS are terminals, lower case non-terminals.  Actions only build
 * nodes through the ast_*_new() constructors: which words a block accepts
 * and what they mean is the resolver's business, so that this grammar stays
 * small and its errors stay about syntax.
 *
 * Recovery happens at two levels, a statement and a declaration, both
 * synchronising on the end of a line; a declaration whose header is broken
 * still has its block parsed, so errors inside it are found in the same run.
 */
%require "3.8"
%expect 0

%define api.pure full
%define api.value.type union
%define api.token.prefix {TOK_}
%define api.location.type {struct src_span}
%define api.header.include {"parser.h"}
%define parse.error custom
%define parse.lac full
%define parse.trace
%locations

%code requires {
#include <stdint.h>

#include "front/ast.h"
#include "base/source.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
struct parse_state;

/* Spans run from the first to the last symbol; an empty rule gets an empty span where it stands. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                              \
	do {                                                                     \
		if (N) {                                                         \
			(Cur).file = YYRHSLOC(Rhs, 1).file;                      \
			(Cur).begin = YYRHSLOC(Rhs, 1).begin;                    \
			(Cur).end = YYRHSLOC(Rhs, N).end;                        \
		} else {                                                         \
			(Cur).file = YYRHSLOC(Rhs, 0).file;                      \
			(Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end;          \
		}                                                                \
	} while (0)
#define YYLOCATION_PRINT(File, Loc) \
	fprintf(File, "%u:%u-%u", (Loc)->file, (Loc)->begin, (Loc)->end)
}

%code provides {
void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_state *ps, const char *msg);
}

%code {
#include "frontend_impl.h"
#include "lexer.h"
#include "syntax_error.h"

/* Where the nodes go; texts, such as spelling()'s, go to the scanner's arena, which may outlive them. */
static struct arena *arena_of(struct parse_state *ps) { return ps->tree; }
#define A arena_of(ps)

/* A token as written: a number's spelling is also a node name (2008 is not one, but 1H is). */
static const char *spelling(struct parse_state *ps, struct src_span at)
{
	return arena_strndup(ps->lex.arena, ps->lex.src->text + at.begin, at.end - at.begin);
}
}

%param {yyscan_t scanner}
%parse-param {struct parse_state *ps}

%initial-action {
	@$ = (struct src_span){ps->lex.file, 0, 0};
}

%token END 0 "end of file"
%token <const char *> IDENT "identifier"
%token <const char *> STRING "string"
%token <int64_t> INT "integer"
%token <int64_t> DURATION "duration"
%token <enum ast_decl_kind> DECL "declaration keyword"
%token USE "'use'"
%token NEWLINE "end of line"
%token LBRACE "'{'"
%token RBRACE "'}'"
%token COMMA "','"

%type <struct ast_decl *> decl decl_head
%type <struct ast_block *> block stmts
%type <struct ast_stmt *> stmt stmt_head
%type <struct ast_value *> value arg
%type <struct ptrvec> args
%type <const char *> word

%%

file:
	  %empty
	| file item
	;

item:
	  USE STRING NEWLINE {
		struct ast_use *u = arena_alloc(A, sizeof *u);
		u->path = $STRING;
		u->path_span = @STRING;
		u->span = src_span_join(@USE, @STRING);
		ptrvec_push(A, &ps->ast->uses, u);
	  }
	| decl { if ($decl) ptrvec_push(A, &ps->ast->decls, $decl); }
	| error NEWLINE { yyerrok; }
	| error block NEWLINE { yyerrok; }
	;

decl:
	  decl_head args NEWLINE { $$ = $1; $$->args = $args; $$->span = src_span_join(@1, @args); }
	| decl_head args block NEWLINE {
		$$ = $1; $$->args = $args; $$->block = $block; $$->span = src_span_join(@1, @block);
	  }
	| decl_head error NEWLINE { $$ = $1; yyerrok; }
	| decl_head error block NEWLINE { $$ = $1; $$->block = $block; yyerrok; }
	| DECL error NEWLINE { $$ = NULL; yyerrok; }
	| DECL error block NEWLINE { $$ = NULL; yyerrok; }
	;

decl_head:
	  DECL IDENT { $$ = ast_decl_new(A, $DECL, @DECL, $IDENT, @IDENT); }
	;

block:
	  LBRACE stmts RBRACE { $$ = $stmts; $$->open = @LBRACE; $$->close = @RBRACE; }
	;

stmts:
	  %empty { $$ = ast_block_new(A, @$); }
	| stmts stmt { $$ = $1; if ($stmt) ptrvec_push(A, &$$->stmts, $stmt); }
	;

stmt:
	  stmt_head args NEWLINE { $$ = $1; $$->args = $args; $$->span = src_span_join(@1, @args); }
	| stmt_head args block NEWLINE {
		$$ = $1; $$->args = $args; $$->block = $block; $$->span = src_span_join(@1, @block);
	  }
	| stmt_head error NEWLINE { $$ = NULL; yyerrok; }
	| stmt_head error block NEWLINE { $$ = NULL; yyerrok; }
	| error NEWLINE { $$ = NULL; yyerrok; }
	| error block NEWLINE { $$ = NULL; yyerrok; }
	;

stmt_head:
	  word { $$ = ast_stmt_new(A, $word, @word); }
	;

/* Declaration keywords are reserved at the top level only: inside a block `site` is a word. */
word:
	  IDENT { $$ = $IDENT; }
	| DECL { $$ = ast_decl_kind_name($DECL); }
	| USE { $$ = "use"; }
	;

args:
	  %empty { $$ = (struct ptrvec){0}; }
	| args arg { $$ = $1; ptrvec_push(A, &$$, $arg); }
	;

arg:
	  value { $$ = $value; }
	| arg COMMA value {
		if ($1->kind == VAL_LIST) {
			$$ = $1;
		} else {
			$$ = ast_list_new(A, $1);
		}
		ast_list_append(A, $$, $value);
	  }
	;

value:
	  IDENT { $$ = ast_value_new(A, VAL_IDENT, @$); $$->text = $IDENT; }
	| DECL { $$ = ast_value_new(A, VAL_IDENT, @$); $$->text = ast_decl_kind_name($DECL); }
	| STRING { $$ = ast_value_new(A, VAL_STRING, @$); $$->text = $STRING; }
	| INT { $$ = ast_value_new(A, VAL_INT, @$); $$->number = $INT; $$->text = spelling(ps, @$); }
	| DURATION {
		$$ = ast_value_new(A, VAL_DURATION, @$); $$->number = $DURATION; $$->text = spelling(ps, @$);
	  }
	;

%%

static enum syntax_symbol classify(yysymbol_kind_t sym)
{
	switch (sym) {
	case YYSYMBOL_YYEOF: return SYN_END;
	case YYSYMBOL_IDENT: return SYN_IDENT;
	case YYSYMBOL_STRING: return SYN_STRING;
	case YYSYMBOL_INT: return SYN_INT;
	case YYSYMBOL_DURATION: return SYN_DURATION;
	case YYSYMBOL_DECL: return SYN_DECL;
	case YYSYMBOL_USE: return SYN_USE;
	case YYSYMBOL_NEWLINE: return SYN_NEWLINE;
	case YYSYMBOL_LBRACE: return SYN_LBRACE;
	case YYSYMBOL_RBRACE: return SYN_RBRACE;
	case YYSYMBOL_COMMA: return SYN_COMMA;
	default: return SYN_OTHER;
	}
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, struct parse_state *ps)
{
	(void)scanner;
	yysymbol_kind_t expected[SYNTAX_MAX_EXPECTED];
	int n = yypcontext_expected_tokens(ctx, expected, SYNTAX_MAX_EXPECTED);
	struct syntax_error err = {
		.span = *yypcontext_location(ctx),
		.found = classify(yypcontext_token(ctx)),
		.found_name = yysymbol_name(yypcontext_token(ctx)),
		.expected_count = n < 0 ? 0 : n,
	};
	for (int i = 0; i < err.expected_count; i++) {
		err.expected[i] = classify(expected[i]);
		err.expected_names[i] = yysymbol_name(expected[i]);
	}
	report_syntax_error(ps, &err);
	return 0;
}

void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_state *ps, const char *msg)
{
	(void)scanner;
	/*
	 * Only bison's own "memory exhausted" reaches here (custom errors go
	 * through the function above), and only block nesting grows the stack:
	 * the scanner has then already reported BFP108 at the first brace past
	 * the limit, and a second report would only repeat it.
	 */
	if (ps->lex.depth > FRONTEND_MAX_DEPTH)
		return;
	struct diag *d = diag_report(ps->lex.diags, BFP108, *loc, "%s", msg);
	diag_help(ps->lex.diags, d, "split the file into smaller declarations");
}

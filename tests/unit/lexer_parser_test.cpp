// Lexer and parser: token kinds and positions, lexical errors (unexpected character,
// unterminated comment/string, malformed and oversized numbers), syntax errors (missing '}',
// expected-token messages, '=' for assignment or comparison, chained comparisons, nesting limit),
// error recovery (several errors in one run), the compiler-style formatting with source line and
// caret, and that the diagnostics of a failed load keep their source text alive.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::covered;
using test::diagnose;
using test::find_diag;
using test::pos_in;
using test::where;

// A valid prefix that the error cases below extend.
const std::string kHead =
    "enum S { CLOSED, OPEN }\n"
    "endpoint {\n"
    "  state: S = CLOSED\n"
    "  n: 0..3\n"
    "}\n";

TEST(Lexer, TokenKindsTextValuesAndPositions) {
  SourceFile f("t.tcp", "x := == != <= >= && || -> .. | = < > + - * / % ! . , : ; ( ) { }\n  42 \"hi\" // c\n/* c */ y");
  Diagnostics d;
  std::vector<Token> toks = lex(f, d);
  EXPECT_FALSE(d.has_errors()) << format_diagnostics(d);
  std::vector<Tok> want = {Tok::Ident,  Tok::Assign, Tok::EqEq,  Tok::NotEq,  Tok::Le,      Tok::Ge,     Tok::AndAnd,
                           Tok::OrOr,   Tok::Arrow,  Tok::DotDot, Tok::Pipe,  Tok::Eq,      Tok::Lt,     Tok::Gt,
                           Tok::Plus,   Tok::Minus,  Tok::Star,  Tok::Slash,  Tok::Percent, Tok::Bang,   Tok::Dot,
                           Tok::Comma,  Tok::Colon,  Tok::Semi,  Tok::LParen, Tok::RParen,  Tok::LBrace, Tok::RBrace,
                           Tok::Int,    Tok::String, Tok::Ident, Tok::End};
  ASSERT_EQ(toks.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(toks[i].kind, want[i]) << "token " << i;
  EXPECT_EQ(toks[0].text, "x");
  const Token& num = toks[28];
  EXPECT_EQ(num.value, 42);
  EXPECT_EQ(num.text, "42");
  LineCol lc = f.position(num.range.begin);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.col, 3u);
  EXPECT_EQ(toks[29].text, "hi");  // string contents without quotes
  EXPECT_EQ(toks[30].text, "y");   // both comment styles skipped
  EXPECT_EQ(f.position(toks[30].range.begin).line, 3u);
  EXPECT_EQ(f.position(toks[30].range.begin).col, 9u);
}

TEST(Lexer, UnexpectedCharacterIsReportedAtItsColumnAndLexingGoesOn) {
  const std::string text = kHead + "call c { n := 1 # 2 }\ncall d when n == 1 & true { n := 2 }\n";
  auto r = diagnose(text);
  const Diagnostic* hash = find_diag(r->diags, "unexpected character '#'");
  ASSERT_NE(hash, nullptr) << r->formatted();
  EXPECT_EQ(where(*hash), pos_in(text, "#"));
  EXPECT_EQ(where(*hash), "6:17");
  EXPECT_EQ(covered(*hash), "#");
  // The lexer carried on: a second bad character on the next line is reported too, with a hint.
  const Diagnostic* amp = find_diag(r->diags, "unexpected character '&' (did you mean '&&'?)");
  ASSERT_NE(amp, nullptr) << r->formatted();
  EXPECT_EQ(where(*amp), "7:20");
}

TEST(Lexer, NonPrintableByteIsShownInHex) {
  auto r = diagnose(kHead + "call c { n := 1 \x01 }\n");
  const Diagnostic* d = find_diag(r->diags, "unexpected character byte 0x01");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "6:17");
}

TEST(Lexer, UnterminatedCommentPointsAtItsStart) {
  const std::string text = "enum S { CLOSED }\n  /* never closed\nendpoint { state: S = CLOSED }\n";
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "unterminated comment");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "2:3");
  EXPECT_EQ(covered(*d), "/*");
}

TEST(Lexer, UnterminatedStringStopsAtEndOfLine) {
  const std::string text = "spec x \"abc\n" + kHead;
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "unterminated string");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "1:8");
  EXPECT_EQ(covered(*d), "\"abc");
  // Nothing after the newline was swallowed: the rest of the spec is fine.
  EXPECT_EQ(r->diags.error_count(), 1u) << r->formatted();
}

TEST(Lexer, MalformedNumberCoversTheWholeWord) {
  const std::string text = "const K = 12ab\n" + kHead;
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "malformed number '12ab'");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "1:11");
  EXPECT_EQ(covered(*d), "12ab");
}

TEST(Lexer, NumberTooLarge) {
  const std::string text = "const K = 1234567890\n" + kHead;
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "number '1234567890' is too large (at most 999999999)");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "1:11");
  // The largest allowed number is accepted.
  auto ok = diagnose("const K = 999999999\n" + kHead);
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
  ASSERT_EQ(ok->model.consts.size(), 1u);
  EXPECT_EQ(ok->model.consts[0].value, 999999999);
}

TEST(Parser, MissingClosingBraceAtEndOfFile) {
  const std::string text = "enum S { A1 }\nendpoint { state: S = A1\n";
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "expected '}', found end of file");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "3:1");  // the end of the file
  EXPECT_EQ(r->diags.error_count(), 1u) << r->formatted();
}

TEST(Parser, MissingClosingBraceOfARuleRecoversAtTheNextDeclaration) {
  const std::string text = kHead +
                           "call c in CLOSED { goto OPEN\n"   // line 6: no '}'
                           "call d in OPEN { goto CLOSD }\n"  // line 7: parsed after recovery
                           "invariant p expect hold: A.n == 0\n";
  auto r = diagnose(text);
  const Diagnostic* d =
      find_diag(r->diags, "expected a statement (NAME := EXPR, goto, send, timer, stop, if), found 'call'");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "7:1");
  // The parser resynchronised at line 7: its typo is reported by the type checker.
  const Diagnostic* typo = find_diag(r->diags, "unknown state 'CLOSD'; did you mean 'CLOSED'?");
  ASSERT_NE(typo, nullptr) << r->formatted();
  EXPECT_EQ(where(*typo), "7:23");
  EXPECT_EQ(r->diags.error_count(), 2u) << r->formatted();
}

TEST(Parser, ExpectedTokenMessagesNameWhatWasFound) {
  const std::string text = kHead +
                           "network { capacity 2 }\n"  // line 6
                           "call x(p: 0..1 { }\n"      // line 7
                           "recv y { }\n";             // line 8
  auto r = diagnose(text);
  const Diagnostic* eq = find_diag(r->diags, "expected '=', found number 2");
  ASSERT_NE(eq, nullptr) << r->formatted();
  EXPECT_EQ(where(*eq), "6:20");
  const Diagnostic* paren = find_diag(r->diags, "expected ',' or ')', found '{'");
  ASSERT_NE(paren, nullptr) << r->formatted();
  EXPECT_EQ(where(*paren), "7:16");
  const Diagnostic* recv = find_diag(r->diags, "expected '(' and the segment's name, as in 'recv NAME(s)', found '{'");
  ASSERT_NE(recv, nullptr) << r->formatted();
  EXPECT_EQ(where(*recv), "8:8");
  EXPECT_EQ(r->diags.error_count(), 3u) << r->formatted();
}

TEST(Parser, NotADeclaration) {
  auto r = diagnose(kHead + "foo bar\n");
  const Diagnostic* d = find_diag(r->diags, "expected a declaration (spec, include, const, enum, endpoint, ghost, "
                                            "segment, network, faults, call, recv, timeout, invariant, stuck, reachable, eventually, "
                                            "leadsto, lemma, expect, monitor, fair, override, remove), found 'foo'");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "6:1");
}

TEST(Parser, EqualsUsedForAssignment) {
  const std::string text = kHead + "call b { n = 1 }\n";
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "'=' is not an assignment; write 'n := ...'");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "6:12");  // points at the '='
  EXPECT_EQ(covered(*d), "=");
}

TEST(Parser, EqualsUsedForComparison) {
  const std::string text = kHead + "invariant p expect hold: A.state = CLOSED\n";
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "'=' is not a comparison; use '=='");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "6:34");
}

TEST(Parser, ChainedComparisonsAreRejected) {
  const std::string text = kHead + "call c when n < 1 < 2 { n := 1 }\ninvariant p expect hold: 0 == A.n != 1\n";
  auto r = diagnose(text);
  const Diagnostic* d = find_diag(r->diags, "comparisons do not chain; use '&&'");
  ASSERT_NE(d, nullptr) << r->formatted();
  EXPECT_EQ(where(*d), "6:19");  // the second '<'
  // Both chains are reported (recovery after the first).
  int n = 0;
  for (const auto& x : r->diags.all()) n += x.message == "comparisons do not chain; use '&&'";
  EXPECT_EQ(n, 2) << r->formatted();
  EXPECT_EQ(where(r->diags.all()[1]), "7:35");
}

TEST(Parser, DeepNestingIsADiagnosticNotAStackOverflow) {
  for (const std::string& open : {std::string("("), std::string("!"), std::string("-")}) {
    std::string e;
    for (int i = 0; i < 20000; ++i) e += open;
    auto r = diagnose(kHead + "invariant p expect hold: " + e + "true\n");
    EXPECT_NE(find_diag(r->diags, "expression nested too deeply"), nullptr) << "nesting with " << open;
  }
}

TEST(Diagnostics, FormattedWithPathLineColumnSourceLineAndCaret) {
  const std::string text =
      "enum TcpState { CLOSED, FIN_WAIT_1, FIN_WAIT_2 }\n"
      "endpoint { state: TcpState = CLOSED }\n"
      "call a in CLOSED {\n"
      "  goto FIN_WAIT2\n"
      "}\n";
  auto r = diagnose(text, {}, "specs/x.tcp");
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  EXPECT_EQ(r->formatted(),
            "specs/x.tcp:4:8: error: unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?\n"
            " 4 |   goto FIN_WAIT2\n"
            "   |        ^~~~~~~~~\n");
}

TEST(Diagnostics, CaretIsClippedToTheLineAndDoubleDigitLinesAlign) {
  std::string text;
  for (int i = 0; i < 9; ++i) text += "// filler\n";
  text += "const K = 5 /\n   0\n" + kHead;  // lines 10-11: the range spans two lines
  auto r = diagnose(text);
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  EXPECT_EQ(r->formatted(),
            "test.tcp:10:11: error: division by zero\n"
            " 10 | const K = 5 /\n"
            "    |           ^~~\n");
}

TEST(Diagnostics, ClosestNameSuggestions) {
  std::vector<std::string> states = {"CLOSED", "LISTEN", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"};
  EXPECT_EQ(closest_name("FIN_WAIT2", states), "FIN_WAIT_2");
  EXPECT_EQ(closest_name("closed", states), "CLOSED");  // case-insensitive distance
  EXPECT_EQ(closest_name("ESTABLISHED", states), "");   // nothing close
  EXPECT_EQ(with_suggestion("unknown state 'LISTN'", "LISTN", states),
            "unknown state 'LISTN'; did you mean 'LISTEN'?");
  EXPECT_EQ(with_suggestion("unknown x", "zzz", states), "unknown x");
}

// ---- the loader and the lifetime of the source text ----

const std::string kBadSpec =
    "enum S { CLOSED, FIN_WAIT_2 }\n"
    "endpoint { state: S = CLOSED }\n"
    "call a { goto FIN_WAIT2 }\n";
const std::string kBadSpecDiagnostic =
    "bad.tcp:3:15: error: unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?\n"
    " 3 | call a { goto FIN_WAIT2 }\n"
    "   |               ^~~~~~~~~\n";

TEST(Loader, FailedLoadReturnsTheSameMessagesAsTheStages) {
  Diagnostics diags;
  auto spec = load_spec_text("bad.tcp", kBadSpec, {}, diags);
  EXPECT_FALSE(spec.has_value());
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message, "unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?");
  EXPECT_EQ(diags.all()[0].path, "bad.tcp");
  auto r = diagnose(kBadSpec, {}, "bad.tcp");
  EXPECT_EQ(r->formatted(), kBadSpecDiagnostic);
}

TEST(Loader, NulBytesAreRejectedWithoutALocation) {
  Diagnostics diags;
  auto spec = load_spec_text("nul.tcp", std::string("enum S { A1 }\0", 14), {}, diags);
  EXPECT_FALSE(spec.has_value());
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(format_diagnostics(diags), "nul.tcp: error: not a spec: the file contains NUL bytes\n");
}

TEST(Loader, UnreadableFileAndDirectory) {
  Diagnostics diags;
  EXPECT_FALSE(load_spec_file("/nonexistent/x.tcp", {}, diags).has_value());
  EXPECT_FALSE(load_spec_file(TCPMC_SOURCE_DIR "/tests", {}, diags).has_value());
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_EQ(format_diagnostics(diags),
            "/nonexistent/x.tcp: error: cannot read spec: No such file or directory\n"
            TCPMC_SOURCE_DIR "/tests: error: cannot read spec: it is a directory\n");
}

// The diagnostics of a failed load keep their source text alive: they can be formatted after the
// loader returned, whatever was allocated since (regression test: this used to read freed memory
// and crash `tcpmc check` on every bad spec).
TEST(Loader, DiagnosticsOfAFailedLoadCanBeFormatted) {
  // Run in a child process: the use-after-free may crash.
  EXPECT_EXIT(
      {
        Diagnostics diags;
        auto spec = load_spec_text("bad.tcp", kBadSpec, {}, diags);
        // Reuse the freed memory, as any later allocation would.
        std::vector<std::string> churn;
        for (int i = 0; i < 1000; ++i) churn.emplace_back(kBadSpec.size(), 'x');
        std::vector<std::vector<uint32_t>> churn2(1000, std::vector<uint32_t>(4, 0xffffffffu));
        std::exit(format_diagnostics(diags) == kBadSpecDiagnostic ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tcpmc

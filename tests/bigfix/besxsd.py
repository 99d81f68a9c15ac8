"""besxsd.py - BigFix's two schemas, compiled once, for the stand-in and its tests.

BES.xsd (what a client sends) compiles as shipped.  BESAPI.xsd (what the
server answers) does not: libxml2 refuses it.  Its provenance note gives
three defects and the corrections a validator applies; they are applied
here, in memory, to the parsed schema.  The file itself is read as shipped
and never copied.  Each correction must find exactly the one place it
mends, so a different release of the file is reported, not half-mended.

Both are third-party files outside this tree: BFPLAN_BES_XSD and
BFPLAN_BESAPI_XSD name them (the Makefile exports both).  When one is
absent, load() says so and returns None for it; callers print the skip.
"""

import os

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"


class SchemaDrift(Exception):
    """BESAPI.xsd is not the release whose defects are known."""


def _only(found, what):
    if len(found) != 1:
        raise SchemaDrift(f"BESAPI.xsd: expected one {what}, found {len(found)}")
    return found[0]


def correct_besapi(tree):
    """Applies the three corrections of BESAPI.xsd.SOURCE.md to a parsed BESAPI.xsd."""
    root = tree.getroot()
    # 1. ExplorerDetails: an xs:element straight inside xs:complexType; wrap it in a sequence.
    ctype = _only(root.findall(f".//{XS}element[@name='ExplorerDetails']/{XS}complexType"),
                  "ExplorerDetails complex type")
    inner = _only(ctype.findall(f"{XS}element"), "element directly inside ExplorerDetails")
    seq = etree.Element(f"{XS}sequence")
    ctype.replace(inner, seq)
    seq.append(inner)
    # 2. RelevanceResult: Answer then Tuple, repeated, cannot hold two Answers in a row
    #    (the documented query answer); a repeated choice of the two can.
    seq = _only(root.findall(f"{XS}complexType[@name='RelevanceResult']/{XS}sequence"),
                "RelevanceResult sequence")
    seq.tag = f"{XS}choice"
    # 3. The root's choice: an empty <BESAPI/> (no actions yet) must be a valid answer.
    choice = _only(root.findall(f"{XS}element[@name='BESAPI']/{XS}complexType/{XS}choice"),
                   "choice of the BESAPI root")
    choice.set("minOccurs", "0")
    return tree


def _schema_path(var, name):
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "reference", name)
    return os.environ.get(var) or os.path.normpath(default)


class Schemas:
    """The compiled schemas; either may be None when its file is absent."""

    def __init__(self):
        self.bes_path = _schema_path("BFPLAN_BES_XSD", "BES.xsd")
        self.besapi_path = _schema_path("BFPLAN_BESAPI_XSD", "BESAPI.xsd")
        self.bes = None
        self.besapi = None
        if os.path.isfile(self.bes_path):
            self.bes = etree.XMLSchema(etree.parse(self.bes_path))
        if os.path.isfile(self.besapi_path):
            self.besapi = etree.XMLSchema(correct_besapi(etree.parse(self.besapi_path)))

    def absent(self):
        """The schema files that are missing, for a plain skip message."""
        return [p for p, s in ((self.bes_path, self.bes), (self.besapi_path, self.besapi)) if s is None]

    @staticmethod
    def _check(schema, data):
        if schema is None:
            return None
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            doc = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as e:
            return f"not well-formed XML: {e}"
        if schema.validate(doc):
            return None
        return "; ".join(f"line {e.line}: {e.message}" for e in schema.error_log)

    def check_request(self, data):
        """None if the body is valid against BES.xsd (or BES.xsd is absent), else why not."""
        return self._check(self.bes, data)

    def check_response(self, data):
        """None if the answer is valid against the corrected BESAPI.xsd (or it is absent), else why not."""
        return self._check(self.besapi, data)

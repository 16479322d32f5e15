# po/po.mk: message catalogues (GNU msgfmt at build time) and the i18n tools.
# Included by the Makefile after BUILD, EMBED, TEST_CFLAGS and LIBS are set.
#
# po/LANG.po --msgfmt--> build/po/LANG.mo --tools/embed--> build/gen/kb_data.c, next to the data
# files (linked into the library; src/i18n/i18n.c reads it).
# build/po/locale/LANG/LC_MESSAGES/bont.mo is the same file in the layout glibc's
# bindtextdomain expects; only the glibc cross-check (i18n-tool --mechanism glibc) uses it.
# po/bont.pot comes from scripts/po-update.sh (xgettext over src/ and the texts of data/); the
# test lang_catalogues_current fails when it or a catalogue is behind the sources.

PO_LANGS       := zh_CN ko
PO_FILES       := $(PO_LANGS:%=po/%.po)
MO_FILES       := $(PO_LANGS:%=$(BUILD)/po/%.mo)
MO_LOCALE      := $(PO_LANGS:%=$(BUILD)/po/locale/%/LC_MESSAGES/bont.mo)
I18N_TOOL      := $(BUILD)/i18n-tool
GLOSSARY_CHECK := $(BUILD)/glossary-check
I18N_TOOLS     := $(I18N_TOOL) $(GLOSSARY_CHECK) $(MO_LOCALE)

.PHONY: po-check po-update

# --check: format strings agree with their msgids and the header is complete.
$(BUILD)/po/%.mo: po/%.po
	@mkdir -p $(@D)
	@echo "  MSGFMT $<"
	@msgfmt --check -o $@ $<

$(BUILD)/po/locale/%/LC_MESSAGES/bont.mo: $(BUILD)/po/%.mo
	@mkdir -p $(@D)
	@cp $< $@

$(I18N_TOOL): tools/i18n/i18n_tool.c $(BUILD)/libbont-asan.a
	@echo "  LD    $@"
	@$(CC) $(TEST_CFLAGS) -o $@ tools/i18n/i18n_tool.c $(BUILD)/libbont-asan.a $(TEST_LDFLAGS) \
	    $(LIBS)

$(GLOSSARY_CHECK): tools/i18n/glossary_check.c src/i18n/mo.c src/i18n/mo.h
	@echo "  LD    $@"
	@$(CC) $(TEST_CFLAGS) -o $@ tools/i18n/glossary_check.c src/i18n/mo.c $(TEST_LDFLAGS) $(LIBS)

# Every catalogue compiles, and its statistics (translated, fuzzy, untranslated) are shown.
po-check: $(MO_FILES)
	@for p in $(PO_FILES); do printf '%s: ' $$p; msgfmt --check --statistics -o /dev/null $$p; done
	@bash scripts/po-update.sh --check

# Makes po/bont.pot from the sources again and merges it into every catalogue.
po-update:
	@bash scripts/po-update.sh

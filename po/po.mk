# po/po.mk: message catalogues (GNU msgfmt at build time) and the i18n prototype tools.
# Included by the Makefile after BUILD, EMBED, TEST_CFLAGS and LIBS are set.
#
# po/LANG.po --msgfmt--> build/po/LANG.mo --tools/embed--> build/gen/po_data.c (linked in)
# build/po/locale/LANG/LC_MESSAGES/bont.mo is the same file in the layout glibc's
# bindtextdomain expects; only the glibc cross-check uses it.

PO_LANGS       := zh_CN ko
PO_FILES       := $(PO_LANGS:%=po/%.po)
MO_FILES       := $(PO_LANGS:%=$(BUILD)/po/%.mo)
MO_LOCALE      := $(PO_LANGS:%=$(BUILD)/po/locale/%/LC_MESSAGES/bont.mo)
PO_GEN         := $(BUILD)/gen/po_data.c
I18N_SRC       := tools/i18n/mo.c tools/i18n/lang.c
I18N_HDRS      := tools/i18n/mo.h tools/i18n/lang.h
I18N_PROTO     := $(BUILD)/i18n-proto
GLOSSARY_CHECK := $(BUILD)/glossary-check
I18N_TOOLS     := $(I18N_PROTO) $(GLOSSARY_CHECK) $(MO_LOCALE)

.PHONY: po-check

# --check: format strings agree with their msgids and the header is complete.
$(BUILD)/po/%.mo: po/%.po
	@mkdir -p $(@D)
	@echo "  MSGFMT $<"
	@msgfmt --check -o $@ $<

$(BUILD)/po/locale/%/LC_MESSAGES/bont.mo: $(BUILD)/po/%.mo
	@mkdir -p $(@D)
	@cp $< $@

$(PO_GEN): $(EMBED) $(MO_FILES)
	@mkdir -p $(@D)
	@echo "  EMBED po/*.mo"
	@$(EMBED) $@ $(MO_FILES)

$(I18N_PROTO): tools/i18n/i18n_proto.c $(I18N_SRC) $(I18N_HDRS) $(PO_GEN)
	@echo "  LD    $@"
	@$(CC) $(TEST_CFLAGS) -Itools/i18n -o $@ tools/i18n/i18n_proto.c $(I18N_SRC) $(PO_GEN) \
	    $(TEST_LDFLAGS)

$(GLOSSARY_CHECK): tools/i18n/glossary_check.c $(I18N_SRC) $(I18N_HDRS)
	@echo "  LD    $@"
	@$(CC) $(TEST_CFLAGS) -Itools/i18n -o $@ tools/i18n/glossary_check.c $(I18N_SRC) \
	    $(TEST_LDFLAGS) $(LIBS)

# Every catalogue compiles, and its statistics (translated, fuzzy, untranslated) are shown.
po-check: $(MO_FILES)
	@for p in $(PO_FILES); do printf '%s: ' $$p; msgfmt --check --statistics -o /dev/null $$p; done

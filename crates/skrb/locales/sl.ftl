# Uporabniški vmesnik Skrb: slovenščina.
app-name = Skrb
app-tagline = Informacijski sistem centrov za socialno delo
skip-to-content = Na vsebino
nav-home = Domov
nav-persons = Osebe
nav-new-person = Nova oseba
nav-new-household = Novo gospodinjstvo
nav-logout = Odjava
language = Jezik
language-change = Zamenjaj
signed-in-as = Prijavljeni ste kot { $name }
count-persons = { $count ->
    [one] { $count } oseba
    [two] { $count } osebi
    [few] { $count } osebe
   *[other] { $count } oseb
}
count-households = { $count ->
    [one] { $count } gospodinjstvo
    [two] { $count } gospodinjstvi
    [few] { $count } gospodinjstva
   *[other] { $count } gospodinjstev
}
count-results = { $count ->
    [one] { $count } zadetek
    [two] { $count } zadetka
    [few] { $count } zadetki
   *[other] { $count } zadetkov
}
login-title = Prijava
login-username = Uporabniško ime
login-password = Geslo
login-submit = Prijava
login-failed = Napačno uporabniško ime ali geslo ali pa je račun onemogočen.
login-required = Za nadaljevanje se prijavite.
logout-done = Odjavljeni ste.
home-title = Pregled
home-welcome = Pozdravljeni, { $name }
home-registry = V evidenci je { $persons } in { $households }.
search-title = Iskanje osebe
search-label = Ime ali EMŠO
search-placeholder = npr. Đorđević, djordj, 1505985…
search-button = Išči
search-none = Iskanju ne ustreza nihče.
search-hint = Vpišite katerikoli del imena, v katerikoli pisavi, ali EMŠO.
col-name = Ime in priimek
col-birth-date = Rojen(a)
col-emso = EMŠO
col-municipality = Občina
pager-prev = Prejšnja
pager-next = Naslednja
pager-page = Stran { $page } od { $pages }
field-given-name = Ime
field-family-name = Priimek
field-birth-date = Datum rojstva
field-sex = Spol
sex-M = Moški
sex-F = Ženski
sex-X = Drugo / ni navedeno
field-emso = EMŠO
field-citizenship = Državljanstvo (koda države)
field-address = Ulica in hišna številka
field-postal-code = Poštna številka
field-place = Kraj
field-municipality = Občina
field-phone = Telefon
field-email = E-pošta
field-iban = Bančni račun (IBAN)
field-notes = Opombe
field-override-reason = Razlog za shranjevanje kljub opozorilom
field-relationship = Razmerje do nosilca
field-valid-from = Od
field-valid-to = Do
field-household = Številka gospodinjstva
field-version = Različica
choose = — izberite —
none = —
person-new-title = Nova oseba
person-edit-title = Urejanje: { $name }
person-create = Shrani osebo
person-save = Shrani spremembe
cancel = Prekliči
edit = Uredi
person-created = Oseba je shranjena.
person-saved = Spremembe so shranjene.
person-identity = Osebni podatki
person-contact = Naslov in kontakt
person-history = Zgodovina sprememb
person-history-empty = Ni zabeleženih sprememb.
history-create = je ustvaril(a) zapis
history-update = je spremenil(a)
history-by = { $user }, { $when }
person-household = Gospodinjstvo
person-no-household = Ni član nobenega gospodinjstva.
person-household-history = Prejšnja gospodinjstva
person-move = Preselitev v drugo gospodinjstvo
person-new-household = Ustanovi novo gospodinjstvo
person-override-note = Shranjeno kljub opozorilom: { $reason }
warn-title = Pred shranjevanjem preverite
warn-emso-checksum = Kontrolna številka EMŠO se ne ujema. Izdane so bile tudi številke z napačno kontrolno številko; če je ta na osebnem dokumentu, jo shranite z razlogom.
warn-emso-date = EMŠO se ne začne z veljavnim datumom.
warn-emso-birth-mismatch = Po EMŠO je oseba rojena { $date }, vpisan pa je drug datum rojstva.
warn-emso-sex-mismatch = Po EMŠO je spol { $sex }, vpisan pa je drug spol.
warn-emso-duplicate = Ta EMŠO že ima druga oseba: { $name }.
warn-probable-duplicate = Ta oseba verjetno že obstaja: { $name }, rojena { $date }.
warn-override-hint = Če so podatki pravilni, navedite razlog in ponovno shranite. Razlog ostane v zgodovini zapisa.
warn-override-forbidden = Kljub tem opozorilom lahko shrani le pooblaščeni uporabnik (vodja enote ali skrbnik).
err-form = Popravite označena polja.
err-required = Polje je obvezno.
err-too-long = Največ { $max } znakov.
err-date = Vpišite datum v obliki LLLL-MM-DD.
err-date-future = Datum ne sme biti v prihodnosti.
err-date-order = Končni datum ne sme biti pred začetnim.
err-emso-syntax = EMŠO ima natanko 13 številk.
err-iban = To ni veljaven IBAN (preverite kodo države, dolžino in kontrolni števili).
err-email = To ni veljaven e-naslov.
err-phone = Telefonska številka ima le številke, presledke in + ( ) - /.
err-citizenship = Vpišite dvočrkovno kodo države, npr. SI, BA, RS.
err-municipality = Neznana občina.
err-relationship = Neznano razmerje.
err-sex = Neznana vrednost.
err-household = Neznano gospodinjstvo.
err-person = Neznana oseba.
err-reason-required = Navedite razlog.
err-already-member = Oseba je že član tega gospodinjstva.
err-head-exists = To gospodinjstvo že ima nosilca.
conflict-title = Med vašim urejanjem je zapis shranil nekdo drug
conflict-body = Vaš vnos je ohranjen spodaj. Preglejte vrednosti, ki so jih medtem shranili drugi, in ponovno shranite.
conflict-theirs = zdaj shranjeno: { $value }
household-title = Gospodinjstvo { $id }
household-new-title = Novo gospodinjstvo
household-create = Ustvari gospodinjstvo
household-created = Gospodinjstvo je ustvarjeno.
household-members = Člani
household-former-members = Nekdanji člani
household-add-member = Dodaj člana
household-add = Dodaj
household-member-added = Član je dodan.
household-moved = Oseba je preseljena.
household-no-members = Ni trenutnih članov.
household-head = Nosilec gospodinjstva
household-move-submit = Preseli
household-head-person = Nosilec (številka osebe)
rel-head = nosilec
rel-spouse = zakonec
rel-partner = zunajzakonski partner
rel-child = otrok
rel-parent = starš
rel-sibling = brat ali sestra
rel-grandchild = vnuk(inja)
rel-grandparent = stari starš
rel-other_relative = drug sorodnik
rel-non_relative = ni v sorodu
error-title = Prišlo je do napake
error-not-found = Stran ali zapis ne obstaja.
error-forbidden = Za to nimate dovoljenja.
error-unauthorized = Prijavite se.
error-bad-request = Zahteve ni bilo mogoče razumeti.
error-conflict = Zapis je medtem spremenil nekdo drug.
error-payload-too-large = Poslani podatki so preveliki.
error-internal = Prišlo je do nepričakovane napake. Nič ni bilo shranjeno. Poskusite znova; če se ponovi, skrbniku sporočite spodnjo oznako.
error-reference = Oznaka: { $id }
error-back = Na začetno stran
error-validation = Nekatera polja niso veljavna.

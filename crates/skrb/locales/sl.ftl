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
err-member-ended = To članstvo je že končano.
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
household-end = Konec članstva dne
household-end-submit = Končaj
household-member-ended = Članstvo je končano.
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

## Varnost: vloge, pravice, račun, administracija, revizijska sled
role-administrator = Skrbnik sistema
role-director = Direktor
role-head_of_unit = Vodja enote
role-social_worker = Strokovni delavec
role-rights_officer = Referent za pravice
role-finance_officer = Finančni delavec
role-home_help_coordinator = Koordinator pomoči na domu
role-home_help_worker = Socialna oskrbovalka
role-commission_member = Član komisije
role-partner = Partner
role-auditor = Revizor
role-ministry = Ministrstvo
perm-registry-read = Pregled oseb in gospodinjstev
perm-registry-write = Vpis in urejanje oseb in gospodinjstev
perm-identity-override = Shranjevanje osebnih podatkov kljub opozorilom
perm-restricted-manage = Omejevanje spisov in izbira skupine
perm-break_glass = Odpiranje omejenih spisov z navedbo razloga
perm-glass-review = Pregled odpiranj omejenih spisov
perm-audit-read = Branje revizijske sledi
perm-subject-export = Izvoz podatkov osebe
perm-statistics-read = Pregled statistike
perm-scope-all_centres = Delo v vseh centrih
perm-user-admin = Upravljanje uporabnikov
perm-role-admin = Upravljanje vlog in pravic
nav-account = Moj račun
nav-admin = Administracija
nav-audit = Revizijska sled
nav-glass = Odpiranja omejenih spisov
nav-statistics = Statistika
save = Shrani
saved = Shranjeno.
error-restricted = Omejen spis
error-throttled = Preveč poskusov
restricted-body = Ta spis je dostopen le skupini, ki z njim dela.
restricted-may-break = Ta spis je dostopen le skupini, ki z njim dela. Če ga morate odpreti, navedite razlog: odprtje se zabeleži, vodja enote pa je obveščen.
throttled-body = Preveč neuspešnih prijav. Poskusite znova čez { $minutes ->
    [one] { $minutes } minuto
    [two] { $minutes } minuti
    [few] { $minutes } minute
   *[other] { $minutes } minut
}.
csrf-failed = Obrazec je potekel ali ne prihaja iz Skrba. Osvežite stran in poskusite znova.
out-of-scope = Za to osebo skrbi drug center.
glass-reason = Zakaj morate odpreti ta spis?
glass-hint = Vsaj 10 znakov. Spis bo odprt 4 ure; odprtje se zabeleži z vašim razlogom.
glass-button = Odpri spis
glass-opened = Spis vam je odprt 4 ure. Vaš razlog je zabeležen.
glass-title = Odpiranja omejenih spisov
glass-intro = Delavci zunaj skupine so odprli te omejene spise, vsak z razlogom. Preglejte jih in jih označite kot pregledane.
glass-none = Ni česa pregledati.
glass-mark-reviewed = Označi kot pregledano
glass-reviewed = Označeno kot pregledano.
glass-pending = { $count ->
    [one] { $count } odprtje omejenega spisa čaka na vaš pregled.
    [two] { $count } odprtji omejenih spisov čakata na vaš pregled.
    [few] { $count } odprtja omejenih spisov čakajo na vaš pregled.
   *[other] { $count } odprtij omejenih spisov čaka na vaš pregled.
}
restriction-title = Omejen spis
restriction-on = Omejen: spis lahko odpre le spodnja skupina in kdor navede razlog.
restriction-off = Ni omejen.
restriction-restricted = Omeji ta spis na skupino
restriction-team = Skupina
restriction-save = Shrani omejitev
restriction-saved = Omejitev je shranjena.
err-glass-reason = Razlog navedite z vsaj { $min } znaki.
err-team-user = Člane skupine izberite s seznama.
err-token-days = Žeton velja od 1 do { $max } dni.
err-token-scope = Žetonu ne morete dati pravice »{ $scope }«.
account-title = Moj račun
sessions-title = Seje
logout-everywhere = Odjava povsod
logout-everywhere-done = Odjavljeni ste na vseh napravah.
password-change = Spremeni geslo
password-current = Trenutno geslo
password-new = Novo geslo
password-repeat = Novo geslo še enkrat
password-current-wrong = Trenutno geslo ni pravilno.
password-mismatch = Novi gesli se razlikujeta.
password-too-short = Geslo mora imeti vsaj { $min } znakov.
password-too-long = Geslo ima lahko največ 128 znakov.
password-common = To geslo je med najpogostejšimi. Izberite drugo.
password-changed = Geslo je spremenjeno. Prijavite se z novim.
totp-title = Drugi korak prijave
totp-prompt = Vnesite 6-mestno kodo iz aplikacije za preverjanje ali eno od obnovitvenih kod.
totp-code = Koda
totp-wrong = Koda ni pravilna. Poskusite z najnovejšo kodo iz aplikacije.
totp-setup-title = Prijava v dveh korakih
totp-setup-intro = Kodo skenirajte z aplikacijo za preverjanje (npr. FreeOTP, Aegis ali Google Authenticator), nato vnesite 6-mestno kodo, ki jo pokaže.
totp-secret = Ali ključ vnesite ročno:
totp-open-app = odpri v aplikaciji
totp-confirm = Vklopi prijavo v dveh korakih
totp-enabled-now = Prijava v dveh korakih je vklopljena.
totp-recovery-intro = Obnovitvene kode shranite na varno. Vsaka deluje enkrat, če izgubite telefon. Prikazane so le zdaj.
totp-on = Prijava v dveh korakih je vklopljena.
totp-off = Prijava v dveh korakih je izklopljena.
totp-enable = Vklopi
totp-disable = Izklopi
totp-disabled = Prijava v dveh korakih je izklopljena.
totp-required = Vaša vloga zahteva prijavo v dveh korakih. Nastavite jo za nadaljevanje.
totp-recovery-left = { $count ->
    [one] Ostala je { $count } obnovitvena koda.
    [two] Ostali sta { $count } obnovitveni kodi.
    [few] Ostale so { $count } obnovitvene kode.
   *[other] Ostalo je { $count } obnovitvenih kod.
}
totp-reset = Odstrani drugi korak
totp-reset-done = Uporabniku je drugi korak prijave odstranjen.
tokens-title = Žetoni API
token-name = Ime
token-scopes = Pravice
token-days = Velja (dni)
token-expires = Poteče
token-last-used = Zadnja uporaba
token-create = Ustvari žeton
token-revoke = Prekliči
token-revoked = Žeton je preklican.
token-inactive = potekel ali preklican
token-shown-once = Žeton kopirajte zdaj: prikazan je le enkrat.
admin-title = Administracija
admin-users-hint = Sprememba vloge, centra ali stanja uporabnika konča njegove seje.
admin-name = Ime
admin-role = Vloga
admin-centre = Center
admin-active = Aktiven
admin-self = Svoje vloge ne morete spremeniti in sebe ne morete onemogočiti.
roles-title = Vloge in pravice
roles-hint = Vsaka vloga je nabor pravic. Spremembe veljajo ob naslednji zahtevi uporabnikov.
roles-totp = Zahtevana prijava v dveh korakih
roles-keep-admin = Vsaj ena vloga mora obdržati pravico do upravljanja vlog.
audit-title = Revizijska sled
audit-person-id = Številka osebe
audit-username = Uporabniško ime
audit-show = Prikaži
audit-export = Prenesi zgodovino dostopov (CSV)
audit-none = Ni zapisov.
audit-when = Kdaj
audit-who = Kdo
audit-from = Od kod
audit-action = Dejanje
audit-person = Oseba
audit-reason = Razlog
statistics-title = Statistika
statistics-persons = Osebe
statistics-women = Ženske
statistics-men = Moški
person-export = Izvozi podatke (seznanitev z osebnimi podatki)
admin-units = Enote
admin-new-user = Nov uporabnik
admin-initial-password = Prvo geslo
admin-initial-password-hint = Uporabniku ga povejte osebno; spremeni ga lahko na strani svojega računa.
admin-add-user = Dodaj uporabnika
admin-username-rule = Uporabniško ime ima od 2 do 64 malih črk, števk, pik, vezajev ali podčrtajev.
admin-username-taken = To uporabniško ime je že zasedeno.
warn-emso-duplicate-hidden = To EMŠO že ima druga oseba, v spisu, ki ga ne smete videti (drugega centra ali omejenem). Pred ponovnim vpisom se posvetujte z vodjo enote.
warn-probable-duplicate-hidden = Ta oseba je verjetno že vpisana, v spisu, ki ga ne smete videti (drugega centra ali omejenem). Pred ponovnim vpisom se posvetujte z vodjo enote.
count-results-many = Več kot { $count } zadetkov: dodajte ime ali EMŠO, da zožite iskanje.

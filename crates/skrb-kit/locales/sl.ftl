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
form-conflict = Nekdo drug je to medtem spremenil. Stran kaže stanje, kakršno je zdaj; vnesite spremembo znova.
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
roles-aggregates-only = Ministrstvo vidi samo zbirne podatke: ne more dobiti pravice, ki kaže osebe.
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

# Case work and partners (issue 5)
nav-work = Moje delo
nav-intake = Sprejem
nav-cases = Spisi
nav-caseloads = Obremenitve
nav-partners = Partnerji
nav-portal = Napotitve k nam
all = Vse
perm-case-read = Vpogled v spise
perm-case-write = Sprejem in delo na spisih
perm-case-manage = Prenos spisov, obremenitve, katalog
perm-partner-manage = Urejanje imenika partnerjev
perm-referral-answer = Odgovarjanje na napotitve svoji organizaciji
work-title = Moje delo
work-tasks = Naloge
work-overdue = { $count ->
    [one] { $count } zamujena
    [two] { $count } zamujeni
    [few] { $count } zamujene
   *[other] { $count } zamujenih
}
work-no-tasks = Ni odprtih nalog.
work-files = Moji odprti spisi
work-no-files = Nimate odprtih spisov.
work-open-tasks = Odprte naloge
work-referrals-waiting = { $count ->
    [one] { $count } napotitev centru čaka na vaš odgovor.
    [two] { $count } napotitvi centru čakata na vaš odgovor.
    [few] { $count } napotitve centru čakajo na vaš odgovor.
   *[other] { $count } napotitev centru čaka na vaš odgovor.
}
task-due = Rok
task-title = Naloga
task-overdue = zamuda
task-done = Opravljeno
task-add = Dodaj nalogo
task-assignee = Izvajalec
tasks-title = Naloge in roki
task-auto-assessment = Prva ocena otrokovega položaja (zakonski rok)
task-auto-mdt = Sklic multidisciplinarnega tima (zakonski rok)
task-auto-first_step = Prvi korak v zadevi (zakonski rok)
task-auto-plan_review = Pregled načrta z uporabnikom
task-auto-referral_answer = Odgovor na napotitev partnerja
case-number = Št. spisa
case-type = Vrsta
case-status = Stanje
case-status-active = Odprti ali mirujoči
case-status-open = Odprt
case-status-on_hold = Miruje
case-status-closed = Zaključen
case-last-activity = Zadnja aktivnost
case-worker = Strokovni delavec
case-unit = Enota
case-unit-of-worker = Enota delavca
case-team = Tim
case-opened = Odprt dne
case-closed-on = Zaključen dne
case-summary = Povzetek
case-problems = Problemska področja
case-person = Oseba
case-household = Gospodinjstvo
case-person-only = Samo oseba
case-restricted = Omejen na delavca in tim
case-open = Odpri spis
case-new-title = Nov spis
case-status-change = Stanje spisa
case-status-submit = Spremeni
case-action-reopen = Ponovno odpri
case-action-hold = Mirovanje
case-action-close = Zaključi
case-close-reason = Razlog zaključka
case-open-tasks-reason = Naloge so še odprte: zakaj vseeno zaključiti
case-transfer = Prenos
case-transfer-to = Na delavca
case-transfer-reason = Razlog
case-transfer-submit = Prenesi spis
case-transfers = Delavci in prenosi
case-conflict = Nekdo drug je medtem spremenil spis. Stran kaže spis, kot je zdaj; vnesite spremembo znova.
case-closed = Spis je zaključen: najprej ga ponovno odprite.
case-not-yours = Spis lahko spreminjajo le njegov delavec, tim in vodje.
case-no-centre = Vaš račun ne pripada nobenemu centru.
case-no-violence = Ta spis nima prijave nasilja v družini.
close-reason-goals_met = Cilji doseženi
close-reason-no_longer_needed = Pomoč ni več potrebna
close-reason-moved = Preselitev
close-reason-transferred_out = Odstop drugemu centru
close-reason-deceased = Smrt
close-reason-declined = Uporabnik je pomoč odklonil
cases-title = Spisi
cases-q = Št. spisa ali ime
cases-mine = Moji
cases-filter = Prikaži
cases-sort = Razvrsti
cases-sort-opened = Najnovejši najprej
cases-sort-number = Št. spisa
cases-sort-name = Ime
cases-sort-activity = Zadnja aktivnost
cases-count = { $count ->
    [one] { $count } spis
    [two] { $count } spisa
    [few] { $count } spisi
   *[other] { $count } spisov
}
cases-count-many = Več kot { $count } spisov: zožite seznam.
problem-poverty = Revščina
problem-family_relations = Družinski odnosi
problem-domestic_violence = Nasilje v družini
problem-addiction = Zasvojenost
problem-behaviour = Vedenjske težave
problem-developmental_disability = Razvojne motnje
problem-trafficking = Trgovina z ljudmi
problem-housing = Stanovanje
problem-health = Zdravje
problem-unemployment = Brezposelnost
problem-old_age = Starost, oskrba
channel-walk_in = Osebni obisk
channel-phone = Telefon
channel-referral = Napotitev
channel-email = E-pošta
channel-letter = Dopis
intake-title = Sprejem: prva socialna pomoč
intake-new = Nov sprejem
intake-who = Kdo
intake-find-person = Poiščite osebo
intake-unknown-name = ali, še ni vpisan: ime
intake-channel = Kako
intake-problem = Težava
intake-description = Kaj oseba potrebuje
intake-action = Kaj je bilo storjeno
intake-open-case = Odpri spis
intake-single-contact = Ne, enkratni stik
intake-save = Zabeleži
intake-recent = Zadnji sprejemi
intake-none = Še ni sprejemov.
intake-when = Kdaj
intake-identify = Poveži z osebo
pick-none = Nihče ni najden: preverite črkovanje ali osebo najprej vpišite.
log-title = Stiki in zaznamki
log-empty = Še nič zabeleženega.
entry-kind = Vrsta
entry-kind-visit = Obisk na domu
entry-kind-interview = Razgovor
entry-kind-phone = Telefonski razgovor
entry-kind-letter = Dopis
entry-kind-team_meeting = Sestanek tima
entry-kind-note = Zaznamek
entry-date = Datum
entry-participants = Udeleženci
entry-body = Zapis
entry-save = Shrani zapis
draft-saved = Osnutek shranjen ob { $time }.
draft-unsaved = Še ni shranjeno na strežniku; hranjeno v tem brskalniku.
draft-restored = Vaše neshranjeno besedilo je obnovljeno.
draft-kept = Vaš nedokončani zapis je bil shranjen.
attachments-title = Dokumenti
attachments-file = Datoteka
attachments-upload = Priloži
attachments-limits = PDF, PNG, JPEG ali TIFF, do 10 MB.
plans-title = Načrti
plan-new = Nov načrt
plan-kind = Vrsta načrta
plan-kind-individual = Individualni načrt
plan-kind-care = Načrt oskrbe
plan-kind-safety = Varnostni načrt
plan-agreed-on = Dogovorjen dne
plan-review-on = Pregled dne
plan-save = Shrani načrt
goal = Cilj
goal-activities = Dogovorjene aktivnosti
goal-responsible = Odgovoren
goal-due = Do
goal-status = Napredek
goal-add = Dodaj cilj
goal-review = Preglej cilj
goal-review-note = Opomba
goal-review-save = Zabeleži pregled
outcome-open = V teku
outcome-achieved = Dosežen
outcome-partly = Delno dosežen
outcome-not_achieved = Ni dosežen
outcome-dropped = Opuščen
referrals-title = Napotitve
referrals-none = Ni napotitev.
referral-new = Nova napotitev
referral-direction = Smer
referral-direction-out = Od nas partnerju
referral-direction-in = Od partnerja k nam
referral-subject = Zadeva
referral-body = Podrobnosti
referral-send = Zabeleži napotitev
referral-sent-on = Poslano
referral-status = Stanje
referral-status-waiting = Čaka na odgovor
referral-status-sent = Poslana
referral-status-accepted = Sprejeta
referral-status-answered = Odgovorjena
referral-status-declined = Zavrnjena
referral-status-closed = Zaključena
referral-answer = Odgovor
referral-answer-save = Pošlji odgovor
referral-close = Zaključi
referral-closed = Napotitev je zaključena.
partner = Partner
partners-title = Partnerske organizacije
partners-find = Poišči partnerja
partner-new = Nov partner
partner-name = Naziv
partner-kind = Vrsta
partner-kind-city = Občinska uprava
partner-kind-health = Zdravstvo
partner-kind-school = Šola
partner-kind-kindergarten = Vrtec
partner-kind-police = Policija
partner-kind-court = Sodišče
partner-kind-pensioners_home = Dom upokojencev
partner-kind-ngo = Nevladna organizacija
partner-kind-employment = Zavod za zaposlovanje
partner-kind-other = Drugo
partner-open-referrals = Odprte napotitve
partner-contacts = Kontaktne osebe
partner-contact-name = Ime
partner-contact-position = Funkcija
partner-contact-add = Dodaj
partner-users = Uporabniški računi partnerja
partner-user-name = Uporabniško ime (vloga partner)
partner-user-link = Poveži
partner-unlinked = Vaš račun ni povezan s partnersko organizacijo; obrnite se na skrbnika centra.
portal-title = Napotitve naši organizaciji
violence-title = Nasilje v družini
violence-new-title = Prijava nasilja v družini
violence-new-note = Prijava odpre omejen spis, ki ga vidita le delavec in tim, in nalogo za sklic multidisciplinarnega tima.
violence-reported-on = Prijavljeno dne
violence-reported-by = Prijavitelj
violence-description = Kaj se je zgodilo
violence-save = Zabeleži prijavo
violence-team = Multidisciplinarni tim
violence-member-name = Ime
violence-member-org = Organizacija
violence-member-role = Vloga
violence-member-add = Dodaj člana
violence-meetings-note = Sestanke tima zabeležite med stiki (vrsta: sestanek tima), varnostni načrt pa med načrti.
violence-measures = Ukrepi za zaščito
violence-measure-kind = Ukrep
violence-ordered-by = Odredil
violence-measure-add = Zabeleži ukrep
measure-restraining_order = Prepoved približevanja
measure-eviction = Izgon iz stanovanja
measure-shelter = Varna hiša
measure-removal_of_child = Odvzem otroka
measure-supervision = Nadzor
measure-other = Drugo
caseloads-title = Obremenitve glede na normativ
caseloads-note = Vsak odprt spis šteje letne normativne ure svoje vrste; 100 % je leto delavca s polnim časom.
caseloads-open = Odprti
caseloads-held = Mirujoči
caseloads-hours = Normativne ure
caseloads-load = Obremenitev
caseloads-overdue = Zamujene naloge
case-types-title = Katalog vrst spisov
case-types-jurisdiction = Pravni red
case-types-class = Klasifikacija
case-types-area = Področje
case-types-norm = Normativ ur na leto
case-types-deadline = Rok (dni)
case-types-retire = Umakni
case-types-restore = Obnovi
case-types-add = Dodaj vrsto spisa
case-types-code = Oznaka
case-types-name-sl = Naziv (slovenski)
case-types-name-sr = Naziv (srbski, cirilica)
case-types-name-en = Naziv (angleški)
case-types-basis = Pravna podlaga
area-child_family = Varstvo otrok in družine
area-adult = Varstvo odraslih
area-material = Materialna pomoč
area-services = Socialnovarstvene storitve
area-coordination = Koordinacija
area-children = Otroci in mladostniki
area-adults = Odrasli in starejši
flash-saved = Shranjeno.
flash-case-opened = Spis je odprt.
flash-intake-saved = Sprejem je zabeležen.
flash-intake-identified = Sprejem je povezan z osebo.
flash-entry-saved = Zapis je shranjen.
flash-attachment-saved = Dokument je priložen.
flash-plan-saved = Načrt je shranjen.
flash-goal-saved = Cilj je dodan.
flash-review-saved = Pregled je zabeležen.
flash-task-saved = Naloga je dodana.
flash-task-done = Naloga je opravljena.
flash-status-changed = Stanje spisa je spremenjeno.
flash-transferred = Spis je prenesen.
flash-violence-saved = Prijava je zabeležena; spis je omejen.
flash-referral-sent = Napotitev je zabeležena.
flash-referral-answered = Vaš odgovor je poslan.
warn-open-tasks = { $count ->
    [one] { $count } naloga spisa je še odprta. Navedite, zakaj vseeno zaključujete, ali jo najprej opravite.
    [two] { $count } nalogi spisa sta še odprti. Navedite, zakaj vseeno zaključujete, ali ju najprej opravite.
    [few] { $count } naloge spisa so še odprte. Navedite, zakaj vseeno zaključujete, ali jih najprej opravite.
   *[other] { $count } nalog spisa je še odprtih. Navedite, zakaj vseeno zaključujete, ali jih najprej opravite.
}
err-number = Vnesite številko s seznama.
err-choice = Izberite vrednost s seznama.
err-case-type = Izberite vrsto spisa iz kataloga vašega centra.
err-worker-unknown = Neznan delavec.
err-worker-inactive = Račun tega delavca je onemogočen: izberite aktivnega sodelavca.
err-worker-other-centre = Ta delavec dela v drugem centru.
err-intake = Ta sprejem pripada drugi osebi ali že ima spis.
err-intake-who = Izberite osebo ali napišite ime še nevpisane osebe.
err-intake-open-unknown = Spis potrebuje vpisano osebo: osebo najprej vpišite.
err-intake-identified = Ta sprejem je že povezan z osebo.
err-before-opened = Datum je pred odprtjem spisa.
err-closed-before-opened = Spis se ne more zaključiti pred odprtjem.
err-status-same = Spis že ima to stanje.
err-transfer-same = Spis je že pri tem delavcu.
err-unit = Neznana enota tega centra.
err-note-long = Zapis je predolg.
err-file-empty = Datoteka je prazna.
err-file-large = Datoteka je večja od { $max } MB.
err-file-type = Priložiti je mogoče le dokumente PDF, PNG, JPEG in TIFF.
err-due-before-plan = Rok cilja je pred dogovorom načrta.
err-review-before-plan = Datum pregleda mora biti po dogovoru načrta.
err-due-past = Rok je že minil.
err-task-done = Naloga je že opravljena.
err-case-for-report = Izberite odprt spis te osebe.
err-code-taken = Ta oznaka je že v katalogu.
err-partner = Izberite aktivnega partnerja svojega centra.
err-partner-exists = Partner s tem nazivom je že vpisan.
err-partner-user = Noben račun z vlogo »partner« nima tega uporabniškega imena.
err-referral-partner-answers = Na našo napotitev odgovori partner; vi jo lahko zaključite.
person-no-cases = Ni spisov.
statistics-work = Delo s spisi v letu { $year }
statistics-intakes = Sprejemi
statistics-opened = Odprti spisi
statistics-closed = Zaključeni spisi
statistics-open-now = Zdaj odprti
statistics-violence = Prijave nasilja
home-tasks = { $count ->
    [one] Imate { $count } odprto nalogo.
    [two] Imate { $count } odprti nalogi.
    [few] Imate { $count } odprte naloge.
   *[other] Imate { $count } odprtih nalog.
}

## Rights (issue 6)
nav-procedures = Postopki
nav-rights = Pravice
nav-commissions = Komisije
date = Datum
perm-right-read = Vpogled v vloge, odločbe in upravičenja
perm-right-decide = Vodenje postopkov in odločanje o pravicah
perm-right-approve = Odobritev ročno določenih zneskov
perm-right-catalogue = Urejanje šifranta pravic, parametrov in obnov
perm-commission-work = Delo komisij: seje in izvidi
proc-title = Moji postopki
proc-none = Tu ni odprtih postopkov.
proc-view-mine = Moji
proc-view-centre = Vsi v centru
proc-view-overdue = Po roku
proc-view-incomplete = Čakajo na dopolnitev
app-new = Nova vloga
app-number = Številka
app-person = Vlagatelj
app-right = Pravica
app-status = Stanje
app-status-received = Prejeta
app-status-incomplete = Nepopolna
app-status-in_procedure = V postopku
app-status-decided = Odločeno
app-status-appealed = Pritožba
app-status-withdrawn = Umaknjena
app-received = Prejeto
app-due = Rok za odločbo
app-officer = Strokovni delavec
app-channel = Način vložitve
app-channel-in_person = Osebno
app-channel-post = Pošta
app-channel-email = E-pošta
app-channel-eportal = eUprava
app-channel-ex_officio = Po uradni dolžnosti
app-documents = Priložena dokazila
app-complete-on-receipt = Vloga je popolna (rok teče od danes)
app-receive = Evidentiraj vlogo
app-application = Vloga
app-silent = Rok je potekel brez odločbe: stranka se lahko pritoži zaradi molka organa, kot da bi bila zahteva zavrnjena.
app-completion-asked = Poziv k dopolnitvi
app-complete-on = Popolna od
app-completion = Popolnost vloge
app-mark-complete = Vloga je popolna
app-ask-completion = Pozovi k dopolnitvi
app-completion-due = Rok za dopolnitev
app-completion-note = Kaj manjka
app-calculation = Izračun
app-amount = Znesek
app-calculate = Shrani in izračunaj
app-decide = Odločba
app-decisions = Odločbe
app-appeals = Pritožbe
app-entitlements = Upravičenja
calc-member = Član
calc-kind = Šteje kot
calc-hours = Ure dela na mesec
calc-remove = (odstrani)
calc-adult = Odrasla oseba
calc-child = Otrok
calc-add-member = Dodaj člana
calc-income = Upoštevani dohodek družine: { $income }
calc-requested = Zaprošeni znesek
calc-granted-this-year = Že dodeljeno letos
calc-situation = Položaj samske osebe
situation-young_with_parents = 18–26 let, živi pri starših
situation-unable_with_non_family = Trajno nezaposljiv ali starejši, živi z nesorodniki
calc-care = Potreba po pomoči druge osebe
care-full = Polna
care-partial = Delna
care-none = Ni potrebe
calc-impairment = Stopnja telesne okvare
calc-single-parent = Enostarševska družina
calc-living-alone = Živi sam
calc-foster-child = { $child }: { $amount } na mesec
calc-maintenance-raise = Oskrbnina
calc-fee-raise = Plačilo za delo
calc-weekend = Samo ob koncih tedna
calc-add-child = Dodaj otroka
calc-w-first = { $member }: prva odrasla oseba, utež { $weight }
calc-w-first-60 = { $member }: prva odrasla oseba, dela 60–128 ur na mesec, utež { $weight }
calc-w-first-128 = { $member }: prva odrasla oseba, dela več kot 128 ur na mesec, utež { $weight }
calc-w-further = { $member }: vsaka nadaljnja odrasla oseba, utež { $weight }
calc-w-further-60 = { $member }: nadaljnja odrasla oseba, dela 60–128 ur, utež { $weight }
calc-w-further-128 = { $member }: nadaljnja odrasla oseba, dela več kot 128 ur, utež { $weight }
calc-w-child = { $member }: otrok, utež { $weight }
calc-w-young = { $member }: samska oseba 18–26 let, ki živi pri starših, utež { $weight }
calc-w-unable = { $member }: samska trajno nezaposljiva ali starejša oseba, ki živi z nesorodniki, utež { $weight }
calc-w-single-parent = Enostarševska družina: dodatno { $children } × { $weight }
calc-w-sum = Vsota uteži: { $sum }
calc-norm = Minimalni dohodek: { $sum } × { $base } = { $norm }
calc-result = Znesek: { $amount }
calc-income-above = Dohodek dosega mejo: znesek ni priznan ({ $amount }).
calc-extra-limits = Največ en minimalni dohodek ({ $norm }) naenkrat, { $times }-krat letno: { $year }
calc-extra-left = Letos že dodeljeno: { $granted }; ostane: { $left }
calc-extra-result = Zaprošeno { $requested }; priznano { $amount }
calc-vd-threshold = Meja: { $factor } × { $base } = { $threshold }
calc-vd-max-alone = Najvišji varstveni dodatek za samsko osebo: { $factor } × OZMD = { $max }
calc-vd-max-shared = Najvišji varstveni dodatek v družini: { $factor } × OZMD = { $max }
calc-foster-parts = { $child }: oskrbnina { $maintenance } (+{ $mraise } %), plačilo za delo { $fee } (+{ $fraise } %)
calc-foster-cap = Omejeno na { $cap }
calc-foster-weekend = Samo ob koncih tedna: { $share } = { $amount }
calc-rs-cash-norm = Gospodinjstvo s { $size } člani: { $share } osnovice { $base } = { $norm }
calc-rs-care-full = Polna pomoč: { $share } osnovice { $base } = { $amount }
calc-rs-care-partial = Delna pomoč: { $share } osnovice { $base } = { $amount }
calc-rs-disability = Okvara { $degree } %: { $share } osnovice { $base } = { $amount }
calc-rs-one-off-max = Zgornja meja: { $share } osnovice { $base } = { $max }
calc-fixed = Znesek, določen z odlokom občine: { $amount }
calc-none = Pravica nima zneska.
dec-outcome = Izrek
dec-outcome-granted = Ugodeno
dec-outcome-refused = Zavrnjeno
dec-outcome-dismissed = Zavrženo
dec-from = Pravica od
dec-months = Za mesecev
dec-manual-amount = Ročno določen znesek
dec-manual-note = Pustite prazno za izračunani znesek. Drugačen znesek zahteva razlog in odobritev druge osebe.
dec-manual-reason = Razlog za ročno določen znesek
dec-reasoning = Obrazložitev
dec-reasoning-note = Prazno: običajna obrazložitev izreka
dec-issue = Izdaj odločbo
dec-kind-first = Odločba
dec-kind-change = Sprememba
dec-kind-suspension = Zadržanje
dec-kind-termination = Prenehanje
dec-kind-provisional = Informativni izračun
dec-kind-second_instance = Druga stopnja
dec-status-issued = izdana
dec-status-awaiting_approval = čaka na odobritev
dec-document = Dokument (PDF)
dec-awaiting = Znesek je določen ročno: pred izdajo ga mora odobriti druga oseba.
dec-approve = Odobri in izdaj
dec-delivered = Vročeno
dec-delivery-method = Način vročitve
delivery-in_person = Osebno
delivery-registered_mail = Priporočeno po pošti
delivery-ebox = Varni e-predal
delivery-public_notice = Javno naznanilo
dec-record-delivery = Zabeleži vročitev
dec-appeal-due = pritožba do
dec-objection-due = Ugovor do
dec-objection = Ugovor
dec-record-objection = Zabeleži ugovor
appeal-silence = zaradi molka organa
appeal-late = prepozno
appeal-forwarded = Odstopljeno drugi stopnji
appeal-forward = Odstopi drugi stopnji
appeal-second-instance = Odločitev druge stopnje
appeal-outcome-upheld = Pritožba zavrnjena, odločba potrjena
appeal-outcome-annulled = Odločba odpravljena, ponovno odločanje
appeal-outcome-changed = Odločba spremenjena
appeal-new-amount = Nov znesek (ob spremembi)
appeal-note = Opomba
appeal-record-outcome = Zabeleži odločitev
appeal-lodged = Pritožba vložena
appeal-grounds = Razlogi
appeal-late-reason = Če je po roku: zakaj se obravnava
appeal-lodge = Vloži pritožbo
ent-period = Obdobje
ent-funding = Plačnik
ent-status-active = v veljavi
ent-status-suspended = zadržano
ent-status-ended = prenehalo
ent-change = Sprememba
ent-effective = Velja od
ent-reason = Razlog
ent-decide = Odloči
change-change = Sprememba okoliščin (nov izračun)
change-suspend = Zadrži
change-resume = Nadaljuj
change-end = Prenehanje
funder-state = država
funder-entity = entiteta
funder-municipality = občina
rights-title = Šifrant pravic
rights-basis = Pravna podlaga
rights-procedure = Postopek
rights-proc-short = skrajšani
rights-proc-investigative = ugotovitveni
rights-calculator = Izračun
rights-extended = razširjena
rights-renews = letna obnova
rights-commission = na podlagi mnenja komisije
rights-params = Parametri po datumih
rights-param = Parameter
rights-valid-from = Velja od
rights-value = Vrednost
rights-in-force = velja
rights-new-param = Nova vrednost parametra
rights-value-raw = Vrednost (centi ali desettisočinke za uteži in deleže)
rights-note = Opomba
rights-new-extended = Razširjena pravica občine
rights-code = Oznaka
rights-name-sl = Ime v slovenščini
rights-name-sr = Ime v srbščini (cirilica)
rights-name-en = Ime v angleščini
rights-calc-fixed = Stalni mesečni znesek
rights-calc-none = Brez zneska (storitev)
renew-title = Letni informativni izračun
renew-note = Ponovno izračuna vsa upravičenja pravice, ki potečejo v prejšnjem mesecu, iz njihovih zamrznjenih podatkov s parametri novega obdobja. Najprej preizkusite brez sprememb.
renew-month = Prvi mesec novega obdobja
renew-dry-run = Samo izračunaj in poročaj (brez sprememb)
renew-run = Zaženi
renew-preview = Predogled
renew-done = Informativni izračuni izdani
renew-selected = poteka:
renew-renewed = obnovljeno:
renew-raised = višje:
renew-lowered = nižje:
renew-failed = za ročno obravnavo:
renew-total = Mesečna vsota (v centih)
com-title = Komisije
com-none = Komisij še ni.
com-new = Nova komisija
com-name = Ime
com-kind = Ocenjuje
com-kind-capacity = Delovno zmožnost in funkcionalno stanje
com-kind-children = Potrebe otrok in mladostnikov
com-instance = Stopnja
com-instance-1 = Prva stopnja
com-instance-2 = Druga stopnja
com-members = Člani
com-member-name = Ime člana
com-role = Vloga
com-role-chair = Predsednik
com-role-member = Član
com-role-secretary = Tajnik
com-add-member = Dodaj
com-sessions = Seje
com-session-on = Seja dne
com-plan-session = Načrtuj sejo
com-agenda = Obravnavano / na dnevnem redu
com-session-planned = načrtovana
com-session-held = izvedena
com-reassess = Ponovna ocena vseh uporabnikov pravice
com-reassess-note = Vse aktivne uporabnike pravice uvrsti na dnevne rede te komisije, tedensko od prve seje.
com-first-session = Prva seja
com-per-session = Oseb na sejo
com-reassess-run = Uvrsti na dnevne rede
com-reassess-done = Načrtovane osebe in seje
com-add-application = Vloga (id)
com-add-item = Uvrsti na dnevni red
com-purpose-assessment = ocena
com-purpose-reassessment = ponovna ocena
com-capacity = Delovna zmožnost
capacity-able = zmožen za delo
capacity-partly = delno zmožen
capacity-unable = nezmožen za delo
com-category = Kategorija uporabnika
com-finding = Izvid in mnenje
com-record = Zabeleži izvid
com-mark-held = Označi sejo kot izvedeno
com-findings = Izvidi komisije
com-pending = v obravnavi
flash-app-received = Vloga je evidentirana.
flash-calculated = Podatki so shranjeni in izračunani.
flash-decided = Odločba je izdana.
flash-approved = Odobreno in izdano.
flash-appeal-lodged = Pritožba je evidentirana.
err-amount = Vpišite znesek, na primer 123,45.
err-amount-zero = Izračun ne da zneska: zahtevo zavrnite ali ročno določite znesek z razlogom.
err-appeal-decided = Odločitev druge stopnje je že zabeležena.
err-appeal-forwarded = Pritožba je že odstopljena.
err-appeal-no-silence = Brez odločbe je pritožba mogoča šele po preteku roka za odločitev.
err-appeal-open = Pritožba je že v obravnavi.
err-application = Neznana vloga.
err-application-closed = Postopek za ta korak ni več odprt.
err-application-incomplete = Vloga še ni popolna: najprej zabeležite, kdaj je postala popolna.
err-before-appeal = Datum je pred pritožbo.
err-before-decision = Datum je pred odločbo.
err-before-received = Datum je pred prejemom vloge.
err-calc-input = Za izračun manjka podatek: preverite podatke o družini.
err-decision = Neznana odločba.
err-effective-period = Datum je zunaj obdobja upravičenja.
err-entitlement-state = Ta sprememba v sedanjem stanju upravičenja ni mogoča.
err-hours = Ure na mesec: število od 0 do 744.
err-manual-reason = Ročno določen znesek potrebuje razlog.
err-month = Vpišite mesec kot LLLL-MM.
err-months = Največ { $max } mesecev.
err-not-awaiting = Odločba ne čaka na odobritev.
err-not-issued = Odločba še ni izdana.
err-not-provisional = Ugovor je mogoč le zoper informativni izračun.
err-objection-exists = Ugovor je že zabeležen.
err-objection-late = Rok za ugovor je potekel { $due }.
err-param-code = Uporabite črke, številke, pike in podčrtaje.
err-param-exists = Parameter že ima vrednost od tega dne.
err-param-missing = Za ta mesec ni veljavne vrednosti parametra { $code }.
err-right = Te pravice tu ni mogoče uveljavljati.
err-right-adults = To pravico lahko uveljavljajo le polnoletni.
err-right-children = To pravico lahko uveljavljajo le otroci.
err-right-exists = Pravica s to oznako že obstaja.
err-right-municipality = Ta razširjena pravica je za prebivalce druge občine.
err-right-no-renewal = Ta pravica se ne obnavlja letno.
err-right-overlap = Obdobje se prekriva z veljavnim upravičenjem iste pravice.
err-same-approver = Kdor je odločil, ne more odobriti: odobriti mora druga oseba.
err-session-future = Seja še ni bila izvedena.
err-session-held = Seja je izvedena; dnevni red je zaključen.
warn-appeal-late = Rok za pritožbo je potekel { $due }. Navedite, zakaj se obravnava.
second-instance = Organ druge stopnje
reasoning-granted = Vlagatelj izpolnjuje pogoje za { $right } po { $basis }. Znesek { $amount } mesečno je izračunan, kot je prikazano spodaj, za obdobje od { $from } do { $to }.
reasoning-partly = Vlagatelj delno izpolnjuje pogoje za { $right } po { $basis }. Znesek { $amount } mesečno je izračunan, kot je prikazano spodaj, za obdobje od { $from } do { $to }.
reasoning-refused = Vlagatelj ne izpolnjuje pogojev za { $right } po { $basis }.
reasoning-dismissed = Vloga za { $right } se zavrže, ker niso izpolnjene procesne predpostavke.
reasoning-change = Okoliščine so se spremenile; znesek je ponovno izračunan.
reasoning-suspend = Izplačilo pravice se zadrži.
reasoning-resume = Izplačilo pravice se nadaljuje.
reasoning-end = Pravica preneha.
reasoning-second-instance = Spremenjeno z odločbo druge stopnje.
reasoning-provisional = Pravica se za naslednje obdobje podaljša z informativnim izračunom na podlagi podatkov iz evidenc. Če podatki niso pravilni, lahko v 15 dneh od vročitve vložite ugovor; izplačilo se nadaljuje.
doc-number = Številka
doc-date = Datum
doc-intro = Na podlagi { $basis } center v zadevi { $right } izdaja naslednjo
doc-title = ODLOČBO
doc-title-provisional = INFORMATIVNI IZRAČUN
doc-emso = EMŠO
doc-until-changed = do spremembe
doc-operative-granted = 1. { $person } se prizna { $right } v znesku { $amount } mesečno od { $from } do { $to }.
doc-operative-partly = 1. { $person } se delno prizna { $right } v znesku { $amount } mesečno od { $from } do { $to }; v preostalem se zahteva zavrne.
doc-operative-refused = 1. Zahteva { $person } za { $right } se zavrne.
doc-operative-dismissed = 1. Zahteva { $person } za { $right } se zavrže.
doc-operative-change = 1. { $right } za { $person } se določi v znesku { $amount } mesečno od { $from } do { $to }.
doc-operative-suspension = 1. Izplačilo { $right } za { $person } se zadrži od { $from }.
doc-operative-termination = 1. { $right } za { $person } preneha.
doc-reasoning = Obrazložitev
doc-calculation = Izračun
doc-remedy-title = Pouk o pravnem sredstvu
doc-remedy = Zoper to odločbo je dovoljena pritožba v 15 dneh od vročitve. Vloži se pisno ali ustno na zapisnik pri centru, ki jo odstopi organu druge stopnje. Pritožba ne zadrži izvršitve.
doc-remedy-provisional = Informativni izračun se šteje za vročen 21. dan po odpremi. Ugovor lahko vložite pri centru v 15 dneh od vročitve; izplačilo se medtem nadaljuje.
doc-signatory = Pooblaščena uradna oseba
proc-days-left =
    { $count ->
        [one] še { $count } dan
        [two] še { $count } dneva
        [few] še { $count } dnevi
       *[other] še { $count } dni
    }
proc-overdue-days =
    { $count ->
        [one] { $count } dan zamude
        [two] { $count } dneva zamude
        [few] { $count } dni zamude
       *[other] { $count } dni zamude
    }
rights-months =
    { $count ->
        [one] { $count } mesec
        [two] { $count } meseca
        [few] { $count } meseci
       *[other] { $count } mesecev
    }
dec-outcome-partly = Delno ugodeno
person-no-applications = Ni vlog za pravice.
home-procedures =
    { $count ->
        [one] Imate { $count } odprt postopek
        [two] Imate { $count } odprta postopka
        [few] Imate { $count } odprte postopke
       *[other] Imate { $count } odprtih postopkov
    }
proc-overdue-count =
    { $count ->
        [one] { $count } po roku
        [two] { $count } po roku
        [few] { $count } po roku
       *[other] { $count } po roku
    }
proc-view-approval = Čakajo na odobritev
home-approvals =
    { $count ->
        [one] { $count } odločba čaka na vašo odobritev
        [two] { $count } odločbi čakata na vašo odobritev
        [few] { $count } odločbe čakajo na vašo odobritev
       *[other] { $count } odločb čaka na vašo odobritev
    }

## Payments (issue 7)
nav-payments = Izplačila
perm-payment-read = Pregled plačilnih list, delovnega seznama in zgodovine izplačil
perm-payment-run = Priprava, izračun in izvoz plačilnih list; uvoz izpiskov; plačilni računi
perm-payment-approve = Odobritev plačilne liste, ki jo je izračunal nekdo drug
home-pay-runs =
    { $count ->
        [one] { $count } plačilna lista čaka na vašo odobritev
        [two] { $count } plačilni listi čakata na vašo odobritev
        [few] { $count } plačilne liste čakajo na vašo odobritev
       *[other] { $count } plačilnih list čaka na vašo odobritev
    }
home-pay-worklist =
    { $count ->
        [one] { $count } izplačilo je zadržano ali vrnjeno
        [two] { $count } izplačili sta zadržani ali vrnjeni
        [few] { $count } izplačila so zadržana ali vrnjena
       *[other] { $count } izplačil je zadržanih ali vrnjenih
    }
pay-title = Izplačila
pay-worklist = Zadržana in vrnjena izplačila
pay-worklist-note = Izplačila, ki jih je plačilna lista zadržala (ni računa ali je napačen, ni plačilnega računa), in izplačila, ki jih je banka vrnila. Popravite račun osebe: naslednja plačilna lista jih izplača znova. Odpišite, česar ne boste izplačali.
pay-accounts = Plačilni računi
pay-new-run = Nova plačilna lista
pay-month = Mesec
pay-kind = Vrsta
pay-kind-monthly = Mesečna lista
pay-kind-extra = Dodatna lista (poračun, enkratne pomoči, odločeno pozneje)
pay-from-month = od
pay-execution = Datum izvršitve
pay-centre = Center
pay-all-centres = Vsi centri
pay-note = Opomba
pay-create = Pripravi listo
pay-runs = Plačilne liste
pay-no-runs = Plačilnih list še ni.
pay-run = Plačilna lista
pay-status = Stanje
pay-status-draft = Osnutek
pay-status-calculated = Izračunana, čaka na odobritev
pay-status-approved = Odobrena
pay-status-exported = Poslana banki
pay-status-settled = Poravnana
pay-status-partly_returned = Poravnana, nekaj vrnjenih
pay-lines = Izplačila
pay-held = Zadržana
pay-total = Skupaj
pay-import = Bančni izpisek
pay-import-note = Izpisek camt.053, obvestilo camt.054 ali bančni CSV (sklic; stanje; razlog; znesek; datum). Vsak izpisek se uvozi enkrat.
pay-statement = Datoteka izpiska
pay-import-button = Uvozi
pay-imported = Izpisek je uvožen
pay-items = Postavke
pay-settled = Poravnane
pay-returned = Vrnjene
pay-unmatched = Neujemajoče
pay-problem-unknown = nobeno naše izplačilo nima tega sklica
pay-problem-not_sent = to izplačilo ni bilo poslano banki
pay-problem-amount = znesek se razlikuje od našega
pay-problem-done = že zabeleženo tako
pay-totals = Izplačano po mesecih in pravicah
pay-no-totals = Izplačanega še ni nič.
pay-calculated = Izračunano
pay-entitlements = Upravičenja
pay-carried = Ponovno izplačana
pay-already-paid = Že izplačano z drugo listo
pay-created-by = Pripravil(a)
pay-calculated-by = Izračunal(a)
pay-approved-by = Odobril(a)
pay-exported-at = Poslano
pay-calculate = Izračunaj
pay-recalculate = Izračunaj znova
pay-approve = Odobri
pay-approve-other = To listo ste izračunali vi: odobri jo nekdo drug.
pay-export = Pripravi bančne datoteke
pay-discard = Zavrzi listo
pay-files = Bančne datoteke
pay-file = Datoteka
pay-format = Oblika
pay-transfers = Nakazila
pay-summary = Po pravicah in virih financiranja
pay-funder = Vir financiranja
pay-funder-state = Država
pay-funder-entity = Entiteta
pay-funder-municipality = Občina
pay-deducted = Poračunano
pay-held-lines = Zadržano
pay-payee = Prejemnik
pay-amount = Znesek
pay-reason = Razlog
pay-hold-no_account = center nima plačilnega računa za ta vir financiranja
pay-hold-zero = znesek je nič
pay-hold-no_iban = ni bančnega računa
pay-hold-bad_iban = bančni račun (IBAN) ni veljaven
pay-hold-same_iban = vrnjeno, bančni račun pa je še vedno isti
pay-back = Nazaj na izplačila
pay-history = Izplačila
pay-no-lines = Ni izplačil.
pay-reference = Sklic
pay-line-open = Pri banki
pay-line-held = Zadržano
pay-line-settled = Izplačano
pay-line-returned = Vrnjeno
pay-line-written_off = Odpisano
pay-in-run = ponovno izplačano z listo
pay-write-off = Odpiši
pay-write-off-reason = Zakaj ne bo izplačano
pay-recoveries = Vračila preplačil
pay-no-recoveries = Ničesar ni treba vrniti.
pay-recovery-kind = Vrsta
pay-recovery-overpayment = Preplačilo
pay-recovery-deduction = Odtegljaj
pay-recovery-total = Za vračilo
pay-instalment = Mesečni obrok
pay-recovered = Doslej poračunano
pay-recovery-add = Poračunaj s prihodnjimi izplačili
pay-no-accounts = Plačilnih računov še ni: vsa izplačila bi bila zadržana.
pay-account-new = Plačilni račun
pay-account-note = En račun za vsak vir financiranja; shranjen račun za vir, ki ga že ima, ga nadomesti.
pay-account-name = Imetnik računa
pay-batch = Nakazil na datoteko
pay-csv-columns = Stolpci CSV
pay-csv-separator = Ločilo CSV
pay-csv-decimal = Decimalno znamenje CSV
pay-flash-approved = Plačilna lista je odobrena.
pay-flash-exported = Bančne datoteke so pripravljene.
pay-flash-discarded = Plačilna lista je zavržena.
pay-err-state = Ta korak ne ustreza več stanju liste; stran kaže listo, kakršna je zdaj.
pay-err-same-person = Listo odobri nekdo drug kot tisti, ki jo je izračunal.
pay-err-conflict = Nekdo drug je medtem spremenil to listo; stran jo kaže, kakršna je zdaj.
pay-err-monthly-exists = Ta mesec že ima mesečno listo; pripravite dodatno listo.
pay-err-from-month = Poračun se začne najpozneje z mesecem liste (LLLL-MM).
pay-err-execution-past = Datum izvršitve ne more biti v preteklosti.
pay-err-amount = Vnesite znesek, večji od nič, npr. 50,00.
pay-err-bic = BIC ima 8 ali 11 črk in številk.
pay-err-layout = Neznan stolpec CSV ali pa se ločilo in decimalno znamenje ujemata.
pay-err-batch = Nakazil na datoteko: število od 1 do 100.000.
pay-err-sepa-eur = pain.001.001.09 (SEPA) plačuje samo v evrih; izberite pain.001.001.03 ali CSV.
pay-err-statement = To ni bančni izpisek, ki bi ga znali prebrati (camt.053, camt.054 ali CSV). { $why }
pay-err-statement-line = Vrstice { $line } izpiska ni mogoče prebrati: { $why }
pay-err-statement-empty = Izpisek nima knjiženih izplačil.
pay-err-statement-seen = Izpisek { $id } je bil že uvožen; nič se ni spremenilo.
pay-err-not-open = Odpisati je mogoče le zadržano ali vrnjeno izplačilo, ki še ni ponovno izplačano.
pay-err-file-changed = Plačilni račun se je spremenil, odkar je bila datoteka pripravljena; enake je ni več mogoče pripraviti.
pay-hold-recovered = v celoti poračunano s tem izplačilom
pay-payee-title = Izplačilo prejme
pay-payee-person = Upravičenec, na svoj račun.
pay-payee-note = Zavod, v katerega je oseba nameščena, starš ali skrbnik; pustite ime prazno, da se izplačuje upravičencu. Velja od naslednje plačilne liste.

# Skrb, words every screen shares: slovenščina.

app-name = Skrb
skip-to-content = Na vsebino
nav-home = Domov
nav-persons = Osebe
nav-new-person = Nova oseba
nav-logout = Odjava
language = Jezik
language-change = Zamenjaj
count-persons = { $count ->
    [one] { $count } oseba
    [two] { $count } osebi
    [few] { $count } osebe
   *[other] { $count } oseb
}
login-failed = Napačno uporabniško ime ali geslo ali pa je račun onemogočen.
login-required = Za nadaljevanje se prijavite.
search-button = Išči
pager-page = Stran { $page } od { $pages }
field-given-name = Ime
field-family-name = Priimek
field-birth-date = Datum rojstva
field-sex = Spol
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
cancel = Prekliči
edit = Uredi
warn-title = Pred shranjevanjem preverite
warn-override-hint = Če so podatki pravilni, navedite razlog in ponovno shranite. Razlog ostane v zgodovini zapisa.
warn-override-forbidden = Kljub tem opozorilom lahko shrani le pooblaščeni uporabnik (vodja enote ali skrbnik).
err-required = Polje je obvezno.
err-too-long = Največ { $max } znakov.
err-date = Vpišite datum v obliki LLLL-MM-DD.
err-date-order = Končni datum ne sme biti pred začetnim.
err-email = To ni veljaven e-naslov.
err-phone = Telefonska številka ima le številke, presledke in + ( ) - /.
conflict-body = Vaš vnos je ohranjen spodaj. Preglejte vrednosti, ki so jih medtem shranili drugi, in ponovno shranite.
form-conflict = Nekdo drug je to medtem spremenil. Stran kaže stanje, kakršno je zdaj; vnesite spremembo znova.
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
err-token-days = Žeton velja od 1 do { $max } dni.
err-token-scope = Žetonu ne morete dati pravice »{ $scope }«.
logout-everywhere = Odjava povsod
password-too-short = Geslo mora imeti vsaj { $min } znakov.
password-too-long = Geslo ima lahko največ 128 znakov.
password-common = To geslo je med najpogostejšimi. Izberite drugo.
password-changed = Geslo je spremenjeno. Prijavite se z novim.
totp-disabled = Prijava v dveh korakih je izklopljena.
totp-required = Vaša vloga zahteva prijavo v dveh korakih. Nastavite jo za nadaljevanje.
admin-self = Svoje vloge ne morete spremeniti in sebe ne morete onemogočiti.
roles-keep-admin = Vsaj ena vloga mora obdržati pravico do upravljanja vlog.
roles-aggregates-only = Ministrstvo vidi samo zbirne podatke: ne more dobiti pravice, ki kaže osebe.
admin-username-rule = Uporabniško ime ima od 2 do 64 malih črk, števk, pik, vezajev ali podčrtajev.
admin-username-taken = To uporabniško ime je že zasedeno.
nav-work = Moje delo
nav-intake = Sprejem
nav-cases = Spisi
nav-caseloads = Obremenitve
nav-partners = Partnerji
nav-portal = Napotitve k nam
all = Vse
case-status = Stanje
case-no-centre = Vaš račun ne pripada nobenemu centru.
intake-find-person = Poiščite osebo
goal = Cilj
partner = Partner
flash-saved = Shranjeno.
err-number = Vnesite številko s seznama.
err-choice = Izberite vrednost s seznama.
err-worker-unknown = Neznan delavec.
err-worker-inactive = Račun tega delavca je onemogočen: izberite aktivnega sodelavca.
err-worker-other-centre = Ta delavec dela v drugem centru.
err-due-past = Rok je že minil.
nav-procedures = Postopki
nav-rights = Pravice
nav-commissions = Komisije
date = Datum
nav-payments = Izplačila

//! What an audit record says happened: one list, so an auditor reads every kind of
//! event in one place and a use case cannot write an action nobody knows.

skrb_domain::codes! {
    /// The action of an audit record (its `action` column).
    pub enum Action {
        /// A person's data or a record was shown.
        Read = "read",
        /// A record's history of changes was shown.
        ReadHistory = "read-history",
        /// A person's households were shown.
        ReadHouseholds = "read-households",
        /// Who accessed a person was shown (to an auditor).
        ReadAccessHistory = "read-access-history",
        /// What a user did was shown (to an auditor).
        ReadUserActions = "read-user-actions",
        /// Persons were searched (the ids shown are kept).
        Search = "search",
        /// A list was shown (the ids shown are kept).
        List = "list",
        /// A worker's own work was shown.
        MyWork = "my_work",
        /// The caseloads of a unit were shown.
        Caseloads = "caseloads",
        /// A file left the system (an attachment, a bank file, a document).
        Download = "download",
        /// Everything about a person was exported (subject access).
        Export = "export",
        /// A record was created.
        Create = "create",
        /// A record was changed.
        Update = "update",
        /// Settings were saved.
        Save = "save",
        /// A note was saved as a draft.
        Draft = "draft",
        /// A person joined a household.
        Join = "join",
        /// A person left a household.
        Leave = "leave",
        /// A member joined a team or a commission.
        AddMember = "add_member",
        /// An unknown person of an intake was identified.
        Identify = "identify",
        /// A file moved to another worker or unit.
        Transfer = "transfer",
        /// A task was done.
        Done = "done",
        /// A person's file was restricted to a team (or opened again).
        Restrict = "restrict",
        /// A restricted file was opened outside its team, with a reason.
        BreakGlass = "break-glass",
        /// A glass break was reviewed.
        Review = "review",
        /// A referral was answered.
        Answer = "answer",
        /// An account was linked to a partner organisation.
        LinkPartner = "link_partner",
        /// Documents were asked for.
        AskCompletion = "ask_completion",
        /// An application became complete (its deadline runs).
        Complete = "complete",
        /// An amount or a run was calculated.
        Calculate = "calculate",
        /// A second person approved.
        Approve = "approve",
        /// A decision was delivered.
        Deliver = "deliver",
        /// An objection was lodged against a provisional decision.
        Object = "object",
        /// An appeal went to the second instance.
        Forward = "forward",
        /// The second instance decided.
        Outcome = "outcome",
        /// An entitlement's amount changed.
        Change = "change",
        /// An entitlement was suspended.
        Suspend = "suspend",
        /// An entitlement was resumed.
        Resume = "resume",
        /// An entitlement ended.
        End = "end",
        /// A commission's session was held.
        Hold = "hold",
        /// A commission recorded its finding.
        Finding = "finding",
        /// Users of a right were put on a commission's agendas.
        Reassess = "reassess",
        /// A bulk job made records (renewal, demo).
        Generate = "generate",
        /// The yearly provisional calculation was issued.
        Renewal = "renewal",
        /// One entitlement renewed by it (a record per person, written in sets).
        Renew = "renew",
        /// The yearly provisional calculation was calculated only (a dry run).
        RenewalPreview = "renewal_preview",
        /// A payment run was thrown away.
        Discard = "discard",
        /// A bank statement was imported; a record came in from an old register's file.
        Import = "import",
        /// The payee of an entitlement was set.
        Payee = "payee",
        /// A payment was taken off the work list.
        WriteOff = "write_off",
        /// An API token was revoked.
        Revoke = "revoke",
        /// A user signed in.
        Login = "login",
        /// A sign-in failed.
        LoginFailed = "login-failed",
        /// A sign-in waited for the throttle.
        LoginThrottled = "login-throttled",
        /// A user ended all their sessions.
        LogoutEverywhere = "logout-everywhere",
        /// A second factor passed.
        TotpPassed = "totp-passed",
        /// A second factor failed.
        TotpFailed = "totp-failed",
        /// A second factor was set up.
        TotpEnabled = "totp-enabled",
        /// A second factor was removed.
        TotpDisabled = "totp-disabled",
        /// A password was changed.
        PasswordChanged = "password-changed",
        /// A request was refused (no permission, another centre, a restricted file).
        Denied = "denied",
        /// A forged or cross-site form was refused.
        CsrfRefused = "csrf-refused",
        /// An unknown, expired or revoked token was refused.
        TokenRefused = "token-refused",
        /// Records past their period were anonymised or deleted.
        RetentionRun = "retention-run",
        /// What is past its period was listed.
        RetentionDryRun = "retention-dry-run",
        /// A service started (a waiting agreement found capacity).
        Start = "start",
        /// Visits were planned on the roster.
        Plan = "plan",
        /// A carer stood in for another.
        Replace = "replace",
        /// A visit was recorded.
        Record = "record",
        /// A month was billed.
        Bill = "bill",
        /// An invoice was cancelled by a credit note.
        Credit = "credit",
        /// A complaint was recorded.
        Complain = "complain",
        /// A foster family was assessed.
        Assess = "assess",
        /// A person was placed in a foster family or an institution.
        Place = "place",
        /// A guardian was appointed.
        Appoint = "appoint",
        /// A guardian's report was submitted.
        Submit = "submit",
        /// A programme's list was evaluated from its rule.
        Evaluate = "evaluate",
        /// A voucher was redeemed at a partner.
        Redeem = "redeem",
        /// A person was proposed to the municipal committee.
        Propose = "propose",
        /// The committee's decision was recorded.
        Decide = "decide",
        /// Partners were invited (to a round table).
        Invite = "invite",
        /// A submitted update was sent back with a comment.
        SendBack = "send_back",
        /// Something was made public (news on the centre's public page).
        Publish = "publish",
    }
}

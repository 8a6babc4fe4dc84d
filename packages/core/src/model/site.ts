/** The deployment a checklist is filled in for (the config's `site:`). */

/** One party of the deployment overview: the customer or the supplier. */
export interface SiteParty {
  readonly company?: string;
  readonly name?: string;
  readonly address?: string;
  readonly telephone?: string;
  readonly email?: string;
}

/**
 * The deployment a checklist is filled in for (the config's `site:`), printed as the overview on
 * the checklist's first page.
 */
export interface SiteInfo {
  readonly customer?: SiteParty;
  readonly supplier?: SiteParty;
  /** Systems, software versions, devices and addresses the checklist covers. */
  readonly coveredSystems?: string;
  /** Version (and date) of the vendor checklist the items refer to. */
  readonly checklistVersion?: string;
  readonly checklistDate?: string;
  readonly remarks?: string;
  /** By when open issues are to be resolved (ISO date). */
  readonly openIssuesUntil?: string;
}

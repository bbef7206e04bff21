import Fluent
import Vapor

/// Every migration, in order. Shipped migrations are never edited; changes come as new ones.
func registerMigrations(_ app: Application) {
    app.migrations.add(CreateStudent())
    app.migrations.add(CreateConsultation())
    app.migrations.add(CreateWebhookDelivery())
    app.migrations.add(CreateAccount())
    app.migrations.add(CreateAPIToken())
    app.migrations.add(CreateCalendlyConnection())
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(CreateDataVersion())
    app.migrations.add(CreateSignInFailure())
    app.migrations.add(AddSessionLastSeen())
    app.migrations.add(AddCalendlyConnectionToken())
    app.migrations.add(AddCalendlyPreviousSubscription())
    app.migrations.add(CreateFollowUp())
    app.migrations.add(AddTodaySeen())
    app.migrations.add(AddCalendlyActions())
    app.migrations.add(CreateCalendarFeed())
    app.migrations.add(CreateSearchIndex())
    app.migrations.add(AddTwoFactor())
    app.migrations.add(IndexDeliveriesByEnvelopeTime())
    app.migrations.add(WatchCalendlyTokenForDataVersion())
    app.migrations.add(DropRedundantIndexes())
    app.migrations.add(AddPostgresSearchFunctions())
    app.migrations.add(ReplacePostgresSearchFunctions(change: .lookEachKindDownToTheFloor))
    app.migrations.add(ReplacePostgresSearchFunctions(change: .skipTheRestWhenNamesFill))
    app.migrations.add(NumberSearchRowsNewestLowest())
}

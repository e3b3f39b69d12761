"""users.email, briefing_subscriptions and the runs' mail columns: scheduled briefings sent by
mail to the users who subscribed to them, when an SMTP server is configured

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table('briefing_subscriptions',
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['briefing_schedules.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('schedule_id', 'user_id')
    )
    with op.batch_alter_table('briefing_runs') as batch:
        batch.add_column(sa.Column('mail_state', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('mail_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('mailed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('mailed_to', sa.Text(), nullable=True))
        batch.add_column(sa.Column('mail_message', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('briefing_runs') as batch:
        for name in ('mail_message', 'mailed_to', 'mailed_at', 'mail_attempts', 'mail_state'):
            batch.drop_column(name)
    op.drop_table('briefing_subscriptions')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email')
